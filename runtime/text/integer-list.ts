// Lists of non-negative integers written as ranges, "0-3,6,8-9" (the kernel's CPU list
// format), used for CPU lists and instrument filters.

export function parseIntegerList(text: string, max: number, what: string): number[] {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const match = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (match === null) throw new RangeError(`"${item}" is not a ${what} number or range (e.g. 0-3,6)`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first || last > max) throw new RangeError(`${what} range "${item}" is empty or beyond ${max}`);
    if (last - first > 1_000_000) throw new RangeError(`${what} range "${item}" is too large`);
    for (let value = first; value <= last; value++) values.add(value);
  }
  if (values.size === 0) throw new RangeError(`empty ${what} list`);
  return [...values].sort((a, b) => a - b);
}

export function formatIntegerList(values: readonly number[]): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
