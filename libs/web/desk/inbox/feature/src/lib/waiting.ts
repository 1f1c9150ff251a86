/** "45 s", "3 min", "2 h 5 min": how long a customer has waited. */
export function formatWaiting(sinceIso: string, now: number): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(sinceIso)) / 1000));
  if (seconds < 60) return $localize`:@@desk.wait.seconds:${seconds}:n: s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return $localize`:@@desk.wait.minutes:${minutes}:n: min`;
  const hours = Math.floor(minutes / 60);
  return $localize`:@@desk.wait.hours:${hours}:h: h ${minutes % 60}:m: min`;
}
