import { conflict } from '@parley/api/core';

export const shortcutTaken = () => conflict('Another canned reply has this shortcut.');
