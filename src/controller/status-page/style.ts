/** The status page's only stylesheet, inlined: no build step, nothing fetched. Narrow screens stack each row. */
export const STYLESHEET = `
:root{color-scheme:light dark;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--muted:#6e7781;--line:#d0d7de}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1200px;padding:12px}
h1{font-size:1.3rem;margin:.2rem 0 .6rem}h2{font-size:1.05rem;margin:1.4rem 0 .4rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:0}
dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .45rem;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
th{font-weight:600;font-size:.85rem;color:var(--muted)}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
.badge{display:inline-block;padding:0 .4rem;border-radius:.6rem;border:1px solid currentColor;font-size:.8rem;white-space:nowrap}
.ok{color:var(--ok)}.warn{color:var(--warn)}.bad{color:var(--bad)}.muted{color:var(--muted)}
.banner{padding:.5rem .7rem;border-left:4px solid currentColor;margin:.5rem 0;overflow-wrap:anywhere}
@media (max-width:700px){
 thead{display:none}
 table,tbody,tr,td{display:block;width:100%}
 tr{border:1px solid var(--line);border-radius:6px;margin:0 0 .6rem;padding:.2rem .4rem}
 td{border:0;padding:.15rem 0}
 td::before{color:var(--muted);font-size:.8rem}
}
`;
