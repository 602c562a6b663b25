import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { StaffRole } from './shell/session';

/**
 * The app's screens as a table: path, name, who sees it in the navigation. The engine decides what
 * each role may read (src/api/route-access.ts); this table only keeps screens a role cannot use out
 * of its way. Each screen is its own chunk.
 */
export interface ScreenRow {
  path: string;
  label: string;
  roles: readonly StaffRole[];
  /** Shown in the navigation (detail screens are reached from their list). */
  nav: boolean;
  component: LazyExoticComponent<ComponentType>;
}

export const screens: readonly ScreenRow[] = [
  { path: '/live', label: 'Live calls', roles: ['intake', 'nurse', 'clinician', 'supervisor'], nav: true, component: lazy(() => import('./screens/live/LiveCallsScreen')) },
  { path: '/callbacks', label: 'Callbacks', roles: ['intake', 'nurse', 'clinician', 'supervisor'], nav: true, component: lazy(() => import('./screens/callbacks/CallbacksScreen')) },
  { path: '/review', label: 'Review', roles: ['nurse', 'clinician', 'supervisor'], nav: true, component: lazy(() => import('./screens/review/ReviewScreen')) },
  { path: '/review/:id', label: 'Review item', roles: ['nurse', 'clinician', 'supervisor'], nav: false, component: lazy(() => import('./screens/review/ReviewScreen')) },
  { path: '/worklist', label: 'Chart worklist', roles: ['supervisor', 'admin'], nav: true, component: lazy(() => import('./screens/worklist/WorklistScreen')) },
  { path: '/outreach', label: 'Outreach', roles: ['intake', 'nurse', 'clinician', 'supervisor'], nav: true, component: lazy(() => import('./screens/outreach/OutreachScreen')) },
  { path: '/dashboard', label: 'Dashboard', roles: ['supervisor', 'analyst', 'admin'], nav: true, component: lazy(() => import('./screens/dashboard/DashboardScreen')) },
  { path: '/audit', label: 'Audit', roles: ['auditor'], nav: true, component: lazy(() => import('./screens/audit/AuditScreen')) },
  { path: '/audit/calls/:id', label: 'Chain of custody', roles: ['auditor'], nav: false, component: lazy(() => import('./screens/audit/AuditScreen')) },
  // The on-call clinician's phone view (issue 16), reached from the link in a notification.
  { path: '/on-call/:id', label: 'On call', roles: ['clinician'], nav: false, component: lazy(() => import('./screens/on-call/OnCallScreen')) },
  { path: '/settings', label: 'Settings', roles: ['admin'], nav: true, component: lazy(() => import('./screens/settings/SettingsScreen')) },
];

/** Where a role lands after sign-in: its first screen. */
export function homeFor(role: StaffRole): string {
  return screens.find((screen) => screen.nav && screen.roles.includes(role))?.path ?? '/live';
}
