import type { Routes } from '@angular/router';
import { isInboxView, requireAdmin, requireNoTeamSession, requireTeam } from './guards';

const DESK = $localize`:@@desk.title:Parley desk`;

export const appRoutes: Routes = [
  {
    path: 'sign-in',
    canActivate: [requireNoTeamSession],
    title: $localize`:@@desk.title.signIn:Sign in · ${DESK}:desk:`,
    loadComponent: () => import('@parley/web/desk/shell/feature').then((m) => m.DeskSignInPage),
  },
  {
    path: 'forgot-password',
    canActivate: [requireNoTeamSession],
    title: $localize`:@@desk.title.forgot:Forgot password · ${DESK}:desk:`,
    loadComponent: () => import('@parley/web/desk/shell/feature').then((m) => m.DeskForgotPasswordPage),
  },
  {
    path: '',
    canActivate: [requireTeam],
    loadComponent: () => import('@parley/web/desk/shell/feature').then((m) => m.DeskShellPage),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'queue' },
      {
        path: 'admin',
        title: $localize`:@@desk.title.admin:Team administration · ${DESK}:desk:`,
        canActivate: [requireAdmin],
        loadComponent: () => import('@parley/web/desk/shell/feature').then((m) => m.AdminPage),
      },
      {
        path: ':view',
        title: DESK,
        canMatch: [isInboxView],
        loadComponent: () => import('@parley/web/desk/inbox/feature').then((m) => m.InboxPage),
        children: [
          { path: '', loadComponent: () => import('@parley/web/desk/inbox/feature').then((m) => m.EmptyPaneComponent) },
          { path: ':chatId', loadComponent: () => import('@parley/web/desk/conversation/feature').then((m) => m.ConversationPage) },
        ],
      },
    ],
  },
  { path: '**', redirectTo: 'queue' },
];
