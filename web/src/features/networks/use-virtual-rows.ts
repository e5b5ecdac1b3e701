import { useCallback, useEffect, useState, type RefObject } from 'react';

export interface VirtualRange {
  start: number;
  end: number; // exclusive
  totalHeight: number;
}

/**
 * Fixed-height row windowing: only rows in view (plus a margin) are rendered, so 10,000 networks
 * cost the same DOM as 30. Pure range math is exported for tests.
 */
export function computeVirtualRange(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
  overscan: number,
): VirtualRange {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(viewportHeight / rowHeight);
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.min(count, first + visible + overscan);
  return { start, end: Math.max(start, end), totalHeight: count * rowHeight };
}

// jsdom and hidden containers report 0; assume a typical viewport until a real size arrives.
const fallbackViewportHeight = 600;

export function useVirtualRows(
  containerRef: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  overscan = 8,
): VirtualRange & { onScroll: () => void } {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(fallbackViewportHeight);

  useEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const measure = () => setViewportHeight(el.clientHeight || fallbackViewportHeight);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [containerRef]);

  const onScroll = useCallback(() => {
    const el = containerRef.current;
    if (el) setScrollTop(el.scrollTop);
  }, [containerRef]);

  return { ...computeVirtualRange(count, rowHeight, scrollTop, viewportHeight, overscan), onScroll };
}
