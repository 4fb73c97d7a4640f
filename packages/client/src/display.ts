import { z } from 'zod';

/**
 * How the classifier shows itself to a volunteer, kept on their device and, for an account, on the account (so that it
 * follows them to another device): its colours (`device` follows the device's light or dark setting) and the size of
 * its text.
 */
export const THEMES = ['device', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export const TEXT_SIZES = ['normal', 'large', 'larger'] as const;
export type TextSize = (typeof TEXT_SIZES)[number];

/** A display as the API answers it (`AccountView`'s `display`), and as a device keeps it. */
export const displaySchema = z.strictObject({ theme: z.enum(THEMES), textSize: z.enum(TEXT_SIZES) });
export type Display = z.infer<typeof displaySchema>;

/** What a device shows until its volunteer chooses. */
export const DEVICE_DISPLAY: Display = { theme: 'device', textSize: 'normal' };
