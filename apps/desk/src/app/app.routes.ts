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
        canActivate: [requireAdmin],
        loadComponent: () => import('@parley/web/desk/admin/feature').then((m) => m.AdminLayoutComponent),
        children: [
          {
            path: '',
            pathMatch: 'full',
            title: $localize`:@@desk.title.admin:Team administration · ${DESK}:desk:`,
            loadComponent: () => import('@parley/web/desk/shell/feature').then((m) => m.AdminPage),
          },
          {
            path: 'reports',
            title: $localize`:@@desk.title.reports:Reports · ${DESK}:desk:`,
            loadComponent: () => import('@parley/web/desk/admin/feature').then((m) => m.ReportsPage),
          },
          {
            path: 'articles',
            title: $localize`:@@desk.title.articles:Articles · ${DESK}:desk:`,
            loadComponent: () => import('@parley/web/desk/admin/feature').then((m) => m.ArticlesPage),
          },
          {
            // "new" for a new article, else the article's id
            path: 'articles/:id',
            title: $localize`:@@desk.title.article:Article editor · ${DESK}:desk:`,
            loadComponent: () => import('@parley/web/desk/admin/feature').then((m) => m.ArticleEditorPage),
          },
          {
            path: 'feedback',
            title: $localize`:@@desk.title.feedback:Article feedback · ${DESK}:desk:`,
            loadComponent: () => import('@parley/web/desk/admin/feature').then((m) => m.FeedbackPage),
          },
          {
            path: 'hours',
            title: $localize`:@@desk.title.hours:Business hours · ${DESK}:desk:`,
            loadComponent: () => import('@parley/web/desk/admin/feature').then((m) => m.BusinessHoursPage),
          },
          {
            path: 'webhooks',
            title: $localize`:@@desk.title.webhooks:Webhooks · ${DESK}:desk:`,
            loadComponent: () => import('@parley/web/desk/admin/feature').then((m) => m.WebhooksPage),
          },
        ],
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
