// A second entry point: the signed-out pages' form, apart from the barrel so that the widget's first load
// (which imports the barrel's light components) does not take @angular/forms with it.
export * from './lib/auth-form.component';
