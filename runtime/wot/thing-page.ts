/**
 * The small live page a browser gets at a thing's root (`Accept: text/html`):
 * one row per property, updated over the thing's WebSocket; writable ones are
 * editable (checkbox, number or text field → `setProperty`); numeric ones draw
 * a sparkline of their recent values. One self-contained string, no assets,
 * so a chip can serve it from flash.
 */
import type { Thing, WebThingDescription } from './thing';

/** JSON that is safe inside a <script> element. */
function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `body{font:15px system-ui,sans-serif;margin:2em;max-width:40em;color:#222}
h1{font-size:1.4em;margin-bottom:.2em}.d{color:#666;margin-top:0}
table{border-collapse:collapse;width:100%}td{padding:.45em .5em;border-bottom:1px solid #ddd;vertical-align:middle}
td.n{font-weight:600}td.v{font-variant-numeric:tabular-nums;min-width:6em}.u{color:#888;font-size:.85em}
#st{font-size:.85em;color:#888}#st.on{color:#2a7}svg{display:block}polyline{fill:none;stroke:#36c;stroke-width:1.5}
input[type=number]{width:6em}#err{color:#c33;font-size:.9em;min-height:1.2em}`;

/** The page script: reads the embedded description, opens the WebSocket, keeps the rows current. */
const SCRIPT = `(function(){
var td=JSON.parse(document.getElementById('td').textContent);
var rows={},hist={},N=60,ws=null,st=document.getElementById('st'),err=document.getElementById('err');
var tb=document.getElementById('rows');
function num(p){return p.type==='number'||p.type==='integer';}
function spark(name){var s=rows[name].svg,h=hist[name];if(!s||h.length<2)return;
var lo=Math.min.apply(null,h),hi=Math.max.apply(null,h),r=(hi-lo)||1,pts=[];
for(var i=0;i<h.length;i++)pts.push((i*118/(h.length-1)+1).toFixed(1)+','+(22-(h[i]-lo)/r*20).toFixed(1));
s.firstChild.setAttribute('points',pts.join(' '));}
function show(name,v){var r=rows[name];if(!r)return;var p=td.properties[name];
if(r.input){if(r.input.type==='checkbox')r.input.checked=!!v;else if(document.activeElement!==r.input)r.input.value=v;}
r.val.textContent=typeof v==='number'?String(Math.round(v*100)/100):JSON.stringify(v);
if(num(p)&&typeof v==='number'){var h=hist[name];h.push(v);if(h.length>N)h.shift();spark(name);}}
function send(name,v){if(!ws||ws.readyState!==1){err.textContent='not connected';return;}
var d={};d[name]=v;ws.send(JSON.stringify({messageType:'setProperty',data:d}));}
Object.keys(td.properties).forEach(function(name){var p=td.properties[name];
var tr=document.createElement('tr');tr.id='prop-'+name;
var a=document.createElement('td');a.className='n';a.textContent=p.title||name;
var b=document.createElement('td');b.className='v';
var val=document.createElement('span');val.className='val';b.appendChild(val);
if(p.unit){var u=document.createElement('span');u.className='u';u.textContent=' '+p.unit;b.appendChild(u);}
var c=document.createElement('td'),input=null,svg=null;
if(!p.readOnly){input=document.createElement('input');
if(p.type==='boolean'){input.type='checkbox';input.onchange=function(){send(name,input.checked);};}
else if(num(p)){input.type='number';if(p.minimum!==undefined)input.min=p.minimum;if(p.maximum!==undefined)input.max=p.maximum;
if(p.type==='integer')input.step=1;input.onchange=function(){var v=Number(input.value);if(input.value!==''&&isFinite(v))send(name,v);};}
else{input.type='text';input.onchange=function(){send(name,input.value);};}
input.name=name;c.appendChild(input);}
var d=document.createElement('td');
if(num(p)){svg=document.createElementNS('http://www.w3.org/2000/svg','svg');svg.setAttribute('width','120');svg.setAttribute('height','24');
svg.setAttribute('class','spark');svg.appendChild(document.createElementNS('http://www.w3.org/2000/svg','polyline'));d.appendChild(svg);}
tr.appendChild(a);tr.appendChild(b);tr.appendChild(c);tr.appendChild(d);tb.appendChild(tr);
rows[name]={val:val,input:input,svg:svg};hist[name]=[];});
var wsHref=null;(td.links||[]).forEach(function(l){if(l.rel==='alternate'&&/^wss?:/.test(l.href))wsHref=l.href;});
var base=(location.protocol==='https:'?'wss://':'ws://')+location.host+(wsHref?new URL(wsHref.replace(/^ws/,'http')).pathname:'/');
fetch(td.links[0].href).then(function(r){return r.json();}).then(function(all){Object.keys(all).forEach(function(k){show(k,all[k]);});});
function connect(){ws=new WebSocket(base);
ws.onopen=function(){st.textContent='live';st.className='on';err.textContent='';};
ws.onclose=function(){st.textContent='disconnected, retrying';st.className='';setTimeout(connect,2000);};
ws.onmessage=function(m){var msg;try{msg=JSON.parse(m.data);}catch(e){return;}
if(msg.messageType==='propertyStatus')Object.keys(msg.data).forEach(function(k){show(k,msg.data[k]);});
else if(msg.messageType==='error')err.textContent=msg.data.message;};}
connect();})();`;

/** The HTML page for `thing`, given its request-specific WebThings description. */
export function thingPage(thing: Thing, description: WebThingDescription): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(thing.title)}</title><style>${STYLE}</style></head><body>
<h1>${escapeHtml(thing.title)}</h1><p class="d">${escapeHtml(thing.description)} <span id="st">connecting</span></p>
<table><tbody id="rows"></tbody></table><p id="err"></p>
<script type="application/json" id="td">${scriptJson(description)}</script>
<script>${SCRIPT}</script></body></html>`;
}
