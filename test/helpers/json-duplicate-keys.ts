// Duplicate keys in one JSON text, found on the raw text: JSON.parse keeps the last value of
// a repeated key and so hides them (pino writes child bindings and a call's fields side by
// side, so a key given twice appears twice in the line).

/** The keys that appear more than once in the same object of `text` (a JSON text), as paths. */
export function duplicateJsonKeys(text: string): string[] {
  const duplicates: string[] = [];
  // One entry per open object or array: its keys so far (undefined for an array) and the key it sits under.
  const stack: Array<{ keys: Set<string> | undefined; path: string }> = [];
  let expectingKey = false;
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const value = JSON.parse(text.slice(i, end + 1)) as string;
      const top = stack.at(-1);
      if (expectingKey && top?.keys !== undefined) {
        if (top.keys.has(value)) duplicates.push(`${top.path}${value}`);
        top.keys.add(value);
        lastKey = value;
        expectingKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      const top = stack.at(-1);
      const path = top === undefined ? '' : top.keys === undefined ? `${top.path}[].` : `${top.path}${lastKey}.`;
      stack.push({ keys: c === '{' ? new Set() : undefined, path });
      expectingKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      expectingKey = stack.at(-1)?.keys !== undefined;
    }
  }
  return duplicates;
}
