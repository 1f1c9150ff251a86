import type { Routes } from '@angular/router';
import { requireSignedIn, requireSignedOut } from '@parley/web/auth/data-access';

export const appRoutes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'chats' },
  {
    path: 'sign-in',
    canActivate: [requireSignedOut],
    title: $localize`:@@site.pageTitle.signIn:Sign in · Parley`,
    loadComponent: () => import('@parley/web/auth/feature').then((m) => m.SignInPage),
  },
  {
    path: 'sign-up',
    canActivate: [requireSignedOut],
    title: $localize`:@@site.pageTitle.signUp:Create your account · Parley`,
    loadComponent: () => import('@parley/web/auth/feature').then((m) => m.SignUpPage),
  },
  {
    path: 'forgot-password',
    canActivate: [requireSignedOut],
    title: $localize`:@@auth.forgot.pageTitle:Forgot password · Parley`,
    loadComponent: () => import('@parley/web/auth/feature').then((m) => m.ForgotPasswordPage),
  },
  {
    // Open to a signed-in tab too: the link may be opened where someone is signed in; setting the password signs in anew.
    path: 'reset-password',
    title: $localize`:@@auth.reset.pageTitle:Choose a new password · Parley`,
    loadComponent: () => import('@parley/web/auth/feature').then((m) => m.ResetPasswordPage),
  },
  {
    path: 'chats',
    canActivate: [requireSignedIn],
    loadComponent: () => import('@parley/web/chat/feature').then((m) => m.ChatShellPage),
    children: [
      {
        path: '',
        title: $localize`:@@site.pageTitle.chats:Your conversations · Parley`,
        loadComponent: () => import('@parley/web/chat/feature').then((m) => m.ChatHomePage),
      },
      {
        path: 'new',
        title: $localize`:@@site.pageTitle.new:New conversation · Parley`,
        loadComponent: () => import('@parley/web/chat/feature').then((m) => m.NewChatPage),
      },
      {
        path: ':chatId',
        title: $localize`:@@site.pageTitle.conversation:Conversation · Parley`,
        loadComponent: () => import('@parley/web/chat/feature').then((m) => m.ConversationPage),
      },
    ],
  },
  // The help center: public, no sign-in.
  {
    path: 'help',
    title: $localize`:@@help.pageTitle:Help center · Parley`,
    loadComponent: () => import('@parley/web/help/feature').then((m) => m.HelpHomePage),
  },
  {
    path: 'help/articles/:id',
    title: $localize`:@@help.articlePageTitle:Help article · Parley`,
    loadComponent: () => import('@parley/web/help/feature').then((m) => m.HelpArticlePage),
  },
  { path: '**', redirectTo: 'chats' },
];
