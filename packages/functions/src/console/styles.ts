/** The console's stylesheet, inlined in the page, exactly as served: the CSP allows it by its hash. */
export const styles = `
  [hidden] { display: none !important; }
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  header { background: #1d2330; color: #fff; padding: .8rem 1.2rem; display: flex; flex-wrap: wrap; gap: .3rem 1.5rem; align-items: baseline; }
  header h1 { font-size: 1.15rem; margin: 0; }
  main { padding: 1rem 1.2rem; min-width: 0; }
  input, select, textarea { max-width: 100%; box-sizing: border-box; }
  h2 { font-size: 1.1rem; } h3 { font-size: .95rem; margin: 1rem 0 .3rem; }
  .toolbar, .actions { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin-bottom: .8rem; }
  label { display: flex; flex-direction: column; font-size: .8rem; gap: .2rem; }
  button { padding: .4rem .8rem; border: 1px solid #3a4a6b; background: #fff; border-radius: 4px; cursor: pointer; }
  button.primary { background: #2c5bd8; color: #fff; border-color: #2c5bd8; }
  button:disabled { opacity: .5; cursor: default; }
  :focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
  table { border-collapse: collapse; width: 100%; background: #fff; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e3e6eb; vertical-align: top; font-size: .85rem; }
  table.checks td { overflow-wrap: anywhere; }
  tr.group th { background: #eef1f6; }
  tr.clickable:hover { background: #f0f4ff; cursor: pointer; }
  pre { background: #fff; border: 1px solid #e3e6eb; padding: .6rem; overflow: auto; max-height: 18rem; }
  #error { background: #fde8e8; border: 1px solid #e5a0a0; padding: .6rem; margin-bottom: .8rem; }
  .card { background: #fff; border: 1px solid #c9cfd8; padding: 1rem; margin: 1rem 0; overflow-x: auto; }
  .columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(24rem, 100%), 1fr)); gap: 1rem; }
  .tabs { display: flex; flex-wrap: wrap; gap: .3rem; margin-bottom: .8rem; }
  .tabs [aria-selected="true"] { background: #1d2330; color: #fff; }
  .empty { padding: 2rem; text-align: center; background: #fff; border: 1px dashed #c9cfd8; }
  #edit-errors, .bad { color: #a11; } .good { color: #176b2c; }
  .none { color: #5b6475; font-style: italic; }
  table.fields { width: auto; min-width: 20rem; } table.fields th { font-weight: 600; padding-right: 1.5rem; }
  .timeline { list-style: none; padding: 0; margin: 0; border-left: 3px solid #c9cfd8; }
  .timeline li { padding: .25rem .6rem; font-size: .85rem; }
  .timeline time, .detail { color: #5b6475; }
  .outcome { font-family: ui-monospace, monospace; }
  textarea { width: 100%; min-height: 9rem; font-family: ui-monospace, monospace; }
  .amount, time { white-space: nowrap; font-variant-numeric: tabular-nums; }
  td .amount { display: block; text-align: right; }
  details.raw summary { cursor: pointer; color: #3a4a6b; font-size: .8rem; margin: .3rem 0; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(26rem, 100%), 1fr)); gap: 1rem; }
  figure { margin: 0; background: #fff; border: 1px solid #e3e6eb; padding: .6rem; min-width: 0; }
  figcaption { font-weight: 600; font-size: .9rem; }
  svg.chart { width: 100%; height: auto; display: block; }
  .chart .axis { stroke: #c9cfd8; } .chart .tick { font-size: 11px; fill: #5b6475; } .chart .end { text-anchor: end; }
  .chart .line { fill: none; stroke-width: 2; }
  .t-good { color: #2c8a4b; } .t-bad { color: #c0392b; } .t-warn { color: #b9770e; } .t-muted { color: #7f8c8d; } .t-info { color: #2c5bd8; }
  .chart rect, .chart polyline, .chart circle { fill: currentColor; stroke: currentColor; }
  .legend { list-style: none; display: flex; flex-wrap: wrap; gap: .8rem; padding: 0; margin: .3rem 0 0; font-size: .8rem; }
  .legend li::before { content: ""; display: inline-block; width: .7rem; height: .7rem; margin-right: .3rem; background: currentColor; }
  /* A narrow screen: a wide table scrolls inside itself, never the page. */
  @media (max-width: 48rem) {
    main { padding: .8rem .6rem; }
    table { display: block; overflow-x: auto; }
    table.fields { min-width: 0; }
    .card { padding: .7rem; }
  }
`;
