/**
 * What a browser gets at the root of a server with several things
 * (`MultipleThings`, `Accept: text/html`): a list linking each thing's live
 * page, with its description and its properties. JSON clients still get the
 * array of descriptions.
 */
import type { WebThingDescription } from './thing';
import { PAGE_STYLE, escapeHtml } from './thing-page';

export function thingIndexPage(name: string, things: readonly WebThingDescription[]): string {
  let items = '';
  for (let i = 0; i < things.length; i++) {
    const d = things[i];
    const props = Object.keys(d.properties ?? {});
    const href = typeof d.href === 'string' ? d.href : String(i);
    items += `<li><a href="${escapeHtml(href)}">${escapeHtml(d.title)}</a><div class="d">${escapeHtml(d.description ?? '')}</div>` +
      `<div class="u">${props.length} propert${props.length === 1 ? 'y' : 'ies'}${props.length ? `: ${escapeHtml(props.join(', '))}` : ''}` +
      ` · <a href="${escapeHtml(href)}/td">W3C TD</a></div></li>`;
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(name)}</title><link rel="icon" href="data:,"><style>${PAGE_STYLE}
ul{list-style:none;padding:0}li{background:#fff;border:1px solid #e3e3e3;border-radius:8px;padding:.6em 1em;margin:.6em 0}li>a{font-size:1.15em;font-weight:600}</style></head><body>
<h1>${escapeHtml(name)}</h1><p class="d">${things.length} thing${things.length === 1 ? '' : 's'} · <a href="/.well-known/wot">directory (W3C TD)</a></p>
<ul id="things">${items}</ul></body></html>`;
}
