/** Small Markdown helpers shared by the report and the measure modules' sections. */

export const yesNo = (holds) => (holds === undefined || holds === null ? '—' : holds ? '**yes**' : '**no**');
export const ms = (value) => (value === null || value === undefined ? '—' : `${value} ms`);
export const spread = (s) => (s ? `${ms(s.median)} (p10–p90 ${s.p10}–${s.p90}, n=${s.n})` : '—');
export const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
export const count = (value) => value.toLocaleString('en');

export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
