import { Badge, useComputedColorScheme, type BadgeProps } from '@mantine/core';
import type { ReactNode } from 'react';

/** Shades dark enough for 4.5:1 text on white (and white text on them): axe's colour contrast, light theme. */
const shades = { green: '#1e6b30', red: '#a51d1d', blue: '#1864ab', gray: '#495057', orange: '#a1400a', grape: '#6b2a8a' } as const;
export type Tone = keyof typeof shades;
/** Outline text on the dark theme's background needs the light shades (4.5:1 on #242424). */
const darkOutlineShades: Record<Tone, string> = { green: '#69db7c', red: '#ff8787', blue: '#74c0fc', gray: '#ced4da', orange: '#ffa94d', grape: '#e599f7' };

/**
 * A status word on the live screen. Never colour alone: the words say it, and an icon (hidden
 * from screen readers, which read the words) marks the loud ones.
 */
export function Tag({ tone, filled = false, icon, children, ...rest }: { tone: Tone; filled?: boolean; icon?: string; children: ReactNode } & Omit<BadgeProps, 'color' | 'variant' | 'children'> & Record<`data-${string}`, string> & { title?: string }) {
  const dark = useComputedColorScheme('light') === 'dark';
  return (
    <Badge
      color={dark && !filled ? darkOutlineShades[tone] : shades[tone]}
      variant={filled ? 'filled' : 'outline'}
      leftSection={icon ? <span aria-hidden>{icon}</span> : undefined}
      styles={{ root: { textTransform: 'none', height: 'auto', minHeight: 'var(--badge-height)', whiteSpace: 'normal' }, label: { whiteSpace: 'normal', overflow: 'visible', textAlign: 'left' } }}
      {...rest}
    >
      {children}
    </Badge>
  );
}
