export function NetworksPage() {
  return <main id="main" className="p-4"><h1 className="text-2xl font-semibold">Networks</h1></main>;
}
