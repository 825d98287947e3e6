// Whether two NATS subjects (with '*' and '>' wildcards) can match a common subject. The
// server refuses streams whose subjects overlap; checking first lets us name the culprit.

export function subjectsOverlap(a: string, b: string): boolean {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; ; i++) {
    const l = left[i];
    const r = right[i];
    if (l === undefined || r === undefined) return l === r; // both ended together
    if (l === '>' || r === '>') return true; // '>' swallows one or more remaining tokens
    if (l !== '*' && r !== '*' && l !== r) return false;
  }
}
