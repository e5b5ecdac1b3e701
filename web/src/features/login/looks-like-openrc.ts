/** Quick check used on paste: does this text look like an openrc rather than a single value? */
export function looksLikeOpenrc(text: string): boolean {
  return /(^|\n)\s*(export\s+)?OS_[A-Z_]+=/.test(text);
}
