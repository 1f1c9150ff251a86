// The loader host sites include with one script tag: GET /widget.js, bundled
// by tools/build/build-api.mjs into a plain IIFE. No framework and no globals
// beyond `window.Parley`; everything it draws lives in a shadow root whose
// :host rule resets every property with !important (inside a shadow tree an
// important rule beats the page's own important rules), so neither side's CSS
// reaches the other. The conversation itself is Parley's /widget page in an
// iframe; the two speak by postMessage, each checking the other's origin.

interface ParleySettings {
  locale?: string;
  externalId?: string;
  userHash?: string;
  name?: string;
  email?: string;
}

interface Identity {
  externalId: string;
  userHash: string;
  name?: string;
  email?: string;
}

/** What the /widget page posts up, tagged `parley`. */
type FromWidget =
  | { parley: 'ready' }
  | { parley: 'unread'; count: number }
  | { parley: 'close' }
  | { parley: 'store'; key: string; value: string | null };

const STRINGS: Record<string, { open: string; close: string; title: string; unread: (n: number) => string }> = {
  en: { open: 'Open chat', close: 'Close chat', title: 'Chat', unread: (n) => `${n} unread` },
  fr: { open: 'Ouvrir le chat', close: 'Fermer le chat', title: 'Chat', unread: (n) => `${n} non lu${n > 1 ? 's' : ''}` },
  ar: { open: 'فتح الدردشة', close: 'إغلاق الدردشة', title: 'الدردشة', unread: (n) => `${n} غير مقروءة` },
};

const OPEN_KEY = 'parley:widget-open';
/**
 * What the widget keeps here when the browser denies its frame storage of its
 * own (blocked third-party storage): its session, shared by the host's tabs.
 */
const STORE_KEY = 'parley:widget-store';

function stored(): Record<string, string> {
  try {
    const value = JSON.parse(localStorage.getItem(STORE_KEY) ?? '{}') as unknown;
    return value && typeof value === 'object' ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function store(key: string, value: string | null): void {
  try {
    const all = stored();
    if (value === null) delete all[key];
    else all[key] = value;
    if (Object.keys(all).length) localStorage.setItem(STORE_KEY, JSON.stringify(all));
    else localStorage.removeItem(STORE_KEY);
  } catch {
    // nothing to keep it in: the widget's session lasts one page
  }
}

const STYLES = `
:host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important;inset:auto 0 0 auto!important;width:0!important;height:0!important;overflow:visible!important;visibility:visible!important;opacity:1!important;transform:none!important;filter:none!important;pointer-events:none!important}
*{box-sizing:border-box}
.launcher{pointer-events:auto;position:fixed;z-index:1;right:20px;bottom:20px;width:56px;height:56px;margin:0;padding:0;border:0;border-radius:50%;background:#1d4ed8;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.3);display:flex;align-items:center;justify-content:center}
.launcher:focus-visible{outline:3px solid #f59e0b;outline-offset:3px}
.launcher svg{width:28px;height:28px;fill:currentColor}
.badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#b91c1c;color:#fff;font:700 12px/22px system-ui,sans-serif;text-align:center}
.panel{pointer-events:auto;position:fixed;right:20px;bottom:88px;width:380px;height:min(640px,calc(100vh - 108px));border-radius:12px;overflow:hidden;background:#fff;box-shadow:0 8px 30px rgba(0,0,0,.3)}
.panel iframe{display:block;width:100%;height:100%;border:0}
[hidden]{display:none!important}
@media (max-width:480px){
.panel{inset:0;width:100%;height:100%;border-radius:0}
:host([data-open]) .launcher{top:8px;right:8px;bottom:auto;width:40px;height:40px;box-shadow:none}
:host([data-open]) .launcher svg{width:20px;height:20px}
}`;

const CHAT_ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';
const CLOSE_ICON = 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z';

function scriptOrigin(): string {
  const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[src*="/widget.js"]');
  return new URL(script?.src ?? location.href, location.href).origin;
}

/** Host sessionStorage may be off (privacy modes) or full; the state then lasts one page. */
function remember(open: boolean): void {
  try {
    sessionStorage.setItem(OPEN_KEY, open ? '1' : '0');
  } catch {
    // nothing to keep it in
  }
}

function remembered(): string | null {
  try {
    return sessionStorage.getItem(OPEN_KEY);
  } catch {
    return null;
  }
}

function start(): void {
  const w = window as unknown as { Parley?: unknown; parleySettings?: ParleySettings };
  if (w.Parley) return;
  const settings: ParleySettings = w.parleySettings ?? {};
  const origin = scriptOrigin();
  const locale = settings.locale || navigator.language || 'en';
  const text = STRINGS[locale.toLowerCase().split('-')[0]] ?? STRINGS['en'];

  const host = document.createElement('parley-widget');
  const root = host.attachShadow({ mode: 'open' });
  // The panel follows the launcher, so Tab from the launcher goes straight into the open conversation.
  root.innerHTML = `<style>${STYLES}</style><button class="launcher" type="button" aria-expanded="false"><svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="${CHAT_ICON}"/></svg><span class="badge" aria-hidden="true" hidden></span></button><div class="panel" hidden></div>`;
  const panel = root.querySelector('.panel') as HTMLDivElement;
  const launcher = root.querySelector('.launcher') as HTMLButtonElement;
  const icon = root.querySelector('path') as SVGPathElement;
  const badge = root.querySelector('.badge') as HTMLSpanElement;
  panel.id = 'parley-panel';
  launcher.setAttribute('aria-controls', panel.id);

  let frame: HTMLIFrameElement | undefined;
  let ready = false;
  let isOpen = false;
  let unread = 0;
  let identity: Identity | null = settings.externalId && settings.userHash ? { externalId: settings.externalId, userHash: settings.userHash, name: settings.name, email: settings.email } : null;
  const queue: object[] = [];

  const send = (message: object) => {
    if (frame?.contentWindow && ready) frame.contentWindow.postMessage(message, origin);
    else queue.push(message);
  };

  const label = () => {
    const base = isOpen ? text.close : text.open;
    launcher.setAttribute('aria-label', unread > 0 && !isOpen ? `${base} (${text.unread(unread)})` : base);
  };

  // The iframe is made on first open, or at once when this browsing session used it before (its badge then stays live).
  const ensureFrame = () => {
    if (frame) return;
    frame = document.createElement('iframe');
    frame.title = text.title;
    frame.setAttribute('allow', 'clipboard-write');
    frame.src = `${origin}/widget?locale=${encodeURIComponent(locale)}&host=${encodeURIComponent(location.origin)}`;
    panel.append(frame);
  };

  const setOpen = (open: boolean, focusLauncher = false) => {
    if (open) ensureFrame();
    isOpen = open;
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    icon.setAttribute('d', open ? CLOSE_ICON : CHAT_ICON);
    if (open) host.setAttribute('data-open', '');
    else host.removeAttribute('data-open');
    label();
    remember(open);
    send({ parley: 'visibility', open });
    if (focusLauncher) launcher.focus();
  };

  launcher.addEventListener('click', () => setOpen(!isOpen));
  root.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Escape' && isOpen) {
      event.stopPropagation();
      setOpen(false, true);
    }
  });

  window.addEventListener('message', (event: MessageEvent) => {
    // Only Parley's own page in our own frame is listened to.
    if (!frame || event.origin !== origin || event.source !== frame.contentWindow) return;
    const data = event.data as FromWidget | null;
    if (!data || typeof data !== 'object') return;
    if (data.parley === 'ready') {
      ready = true;
      const target = frame.contentWindow;
      target?.postMessage({ parley: 'settings', locale, identity, open: isOpen, stored: stored() }, origin);
      for (const message of queue.splice(0)) target?.postMessage(message, origin);
    } else if (data.parley === 'unread' && Number.isInteger(data.count) && data.count >= 0) {
      unread = data.count;
      badge.textContent = unread > 99 ? '99+' : String(unread);
      badge.hidden = unread === 0;
      label();
    } else if (data.parley === 'store' && typeof data.key === 'string' && (typeof data.value === 'string' || data.value === null)) {
      store(data.key, data.value);
    } else if (data.parley === 'close') {
      // Escape pressed inside the frame, or its own close button.
      setOpen(false, true);
    }
  });

  // Another tab of this site changed what the widget keeps here: its frame follows.
  window.addEventListener('storage', (event: StorageEvent) => {
    if (event.key === STORE_KEY || event.key === null) send({ parley: 'stored', values: stored() });
  });

  w.Parley = Object.freeze({
    open: () => setOpen(true),
    close: () => setOpen(false),
    identify(next: Identity) {
      if (!next || typeof next.externalId !== 'string' || typeof next.userHash !== 'string') throw new TypeError('Parley.identify needs { externalId, userHash }');
      identity = { externalId: next.externalId, userHash: next.userHash, name: next.name, email: next.email };
      if (ready) send({ parley: 'identify', identity });
    },
    signOut() {
      identity = null;
      send({ parley: 'signOut' });
    },
  });

  label();
  document.body.append(host);
  const state = remembered();
  if (state === '1') setOpen(true);
  else if (state === '0') ensureFrame();
}

if (document.body) start();
else document.addEventListener('DOMContentLoaded', start, { once: true });
