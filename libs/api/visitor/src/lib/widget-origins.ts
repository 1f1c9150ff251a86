/** Which host pages may embed the widget: WIDGET_ORIGINS, or any origin ('any', development's default). */
export type WidgetOrigins = readonly string[] | 'any';

/** The widget's own pages (the iframe's document and its routes): the only pages other sites may frame. */
export const isWidgetPage = (path: string) => path === '/widget' || path.startsWith('/widget/');

/** The loader host pages include with a script tag. */
export const WIDGET_LOADER_PATH = '/widget.js';

/** The CSP frame-ancestors sources of the widget's pages. */
export function widgetFrameAncestors(origins: WidgetOrigins): string[] {
  if (origins === 'any') return ['*'];
  return origins.length ? [...origins] : ["'none'"];
}

/** Whether a browser on `origin` may call the API and open its WebSocket as the widget does. */
export function widgetOriginAllowed(origin: string | undefined, origins: WidgetOrigins): boolean {
  if (!origin) return false;
  return origins === 'any' ? /^https?:\/\//.test(origin) : origins.includes(origin);
}
