/** Colours of chart series, each at least 3:1 against white (WCAG 1.4.11), told apart by hue and lightness. */
export const SERIES_COLORS: readonly string[] = [
  '#0b57d0',
  '#a4161a',
  '#1d6b35',
  '#8a5300',
  '#6b2fa3',
  '#00626f',
  '#b0356b',
  '#4a5361',
];
