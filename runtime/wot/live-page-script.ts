/**
 * The script of a thing's live page (see thing-page.ts), as one string a chip
 * can keep in flash. Plain ES5 for any browser; it draws:
 * - the property table, kept current over the thing's WebSocket, writable ones editable;
 * - charts (uPlot, when the server offers it at `<base>/_page/uplot.js`): the
 *   numeric properties since the page opened, or, when the server has a
 *   `<base>/_live` route (the simulator), every tracked series since the start
 *   of the run, with time-of-day axes, units, thresholds and night shading;
 * - from `/_live`: the simulated clock, the flow graph (things, connections,
 *   per-connection counts, last values, errors, completed/closed) and the board
 *   (LED, pins, I2C devices, buttons that inject and clear faults).
 * `window.livePage` exposes what it shows, for tests.
 */
// A plain template (no tag, no substitutions): one string constant; String.raw would keep raw and cooked copies on XS.
export const LIVE_PAGE_SCRIPT = `(function(){
var $=function(id){return document.getElementById(id);};
var tdEl=$('td'),td=JSON.parse(tdEl.textContent),BASE=tdEl.getAttribute('data-base')||'';
var st=$('st'),err=$('err'),U=window.uPlot;
var page=window.livePage={props:{},propHistory:{},charts:{},live:null,polls:0,rate:null};
function esc(s){return String(s).replace(/&/g,'&amp;').replace(/</g,'&lt;').replace(/>/g,'&gt;').replace(/"/g,'&quot;');}
function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!==undefined)e.textContent=text;return e;}
function round(v){return typeof v==='number'?String(Math.round(v*100)/100):JSON.stringify(v);}
function num(p){return p.type==='number'||p.type==='integer';}
function say(m){err.textContent=m||'';}

/* ---- properties ---- */
var rows={},ws=null,tb=$('rows'),live=false;
function sendProp(name,v){if(!ws||ws.readyState!==1){say('not connected');return;}
var d={};d[name]=v;ws.send(JSON.stringify({messageType:'setProperty',data:d}));}
Object.keys(td.properties).forEach(function(name){var p=td.properties[name];
var tr=el('tr');tr.id='prop-'+name;
var a=el('td','n',p.title||name),b=el('td','v'),val=el('span','val','–');b.appendChild(val);
if(p.unit)b.appendChild(el('span','u',' '+p.unit));
var c=el('td'),input=null;
if(!p.readOnly){input=el('input');
if(p.type==='boolean'){input.type='checkbox';input.onchange=function(){sendProp(name,input.checked);};}
else if(num(p)){input.type='number';if(p.minimum!==undefined)input.min=p.minimum;if(p.maximum!==undefined)input.max=p.maximum;
if(p.type==='integer')input.step=1;input.onchange=function(){var v=Number(input.value);if(input.value!==''&&isFinite(v))sendProp(name,v);};}
else{input.type='text';input.onchange=function(){sendProp(name,input.value);};}
input.name=name;c.appendChild(input);}
tr.appendChild(a);tr.appendChild(b);tr.appendChild(c);tb.appendChild(tr);
rows[name]={val:val,input:input};page.propHistory[name]=[[],[]];});
function show(name,v){var r=rows[name];if(!r)return;var p=td.properties[name];page.props[name]=v;
if(r.input){if(r.input.type==='checkbox')r.input.checked=!!v;else if(document.activeElement!==r.input)r.input.value=v;}
r.val.textContent=round(v);
if(num(p)&&typeof v==='number'&&!live){var h=page.propHistory[name];h[0].push(Date.now()/1000);h[1].push(v);
if(h[0].length>2000){h[0].shift();h[1].shift();}propChart(name);}}

/* ---- charts ---- */
var UTC=function(ts){return U.tzDate(new Date(ts*1e3),'Etc/UTC');};
function makeChart(key,title,unit,names,colors,o){if(!U)return null;
var box=el('div','chart');box.id='chart-'+key.replace(/[^A-Za-z0-9]+/g,'-');$('charts').appendChild(box);
var series=[{}];for(var i=0;i<names.length;i++){var s={label:names[i],stroke:colors[i]||'#36c',width:1.5,spanGaps:true,
value:function(u,v){return v==null?'–':round(v)+(unit?' '+unit:'');}};
if(o.style[i]==='step')s.paths=U.paths.stepped({align:1});
if(o.style[i]==='dots'){s.paths=function(){return null;};s.points={show:true,size:3,fill:colors[i],stroke:colors[i]};}else s.points={show:false};
series.push(s);}
var hooks={drawClear:[],draw:[]};
if(o.night)hooks.drawClear.push(function(u){shadeNight(u,o.night);});
if(o.thresholds&&o.thresholds.length)hooks.draw.push(function(u){thresholdLines(u,o.thresholds);});
var yAxis={label:unit||'',size:62};
if(o.binary){yAxis.splits=function(){return[0,1];};yAxis.values=function(u,ticks){return ticks.map(function(t){return t===1?'on':t===0?'off':'';});};}
var opts={title:title,width:Math.max(300,box.clientWidth||600),height:o.height||200,series:series,hooks:hooks,
scales:{x:{time:true},y:o.log?{distr:3}:(o.binary?{range:[-0.1,1.1]}:{})},axes:[{},yAxis],legend:{live:true}};
if(o.utc)opts.tzDate=UTC;
var empty=[[]];for(var k=0;k<names.length;k++)empty.push([]);
var u=new U(opts,empty,box);page.charts[key]=u;return u;}
function shadeNight(u,n){var ctx=u.ctx,lo=u.scales.x.min,hi=u.scales.x.max;if(lo==null||hi==null)return;
ctx.save();ctx.fillStyle='rgba(40,50,90,0.07)';var day=86400,start=Math.floor(lo/day)*day;
for(var d=start;d<hi;d+=day){[[d,d+n.sunrise*3600],[d+n.sunset*3600,d+day]].forEach(function(s){var a=Math.max(s[0],lo),b=Math.min(s[1],hi);if(b<=a)return;
var x0=u.valToPos(a,'x',true),x1=u.valToPos(b,'x',true);ctx.fillRect(x0,u.bbox.top,x1-x0,u.bbox.height);});}
ctx.restore();}
function thresholdLines(u,ts){var ctx=u.ctx;ctx.save();ctx.setLineDash([5,4]);ctx.strokeStyle='#888';ctx.fillStyle='#555';ctx.textAlign='left';ctx.textBaseline='bottom';
ctx.font=(11*devicePixelRatio)+'px system-ui,sans-serif';
ts.forEach(function(t){var y=u.valToPos(t.value,'y',true);if(!isFinite(y))return;ctx.beginPath();ctx.moveTo(u.bbox.left,y);
ctx.lineTo(u.bbox.left+u.bbox.width,y);ctx.stroke();ctx.fillText(t.label,u.bbox.left+6*devicePixelRatio,y-4*devicePixelRatio);});ctx.restore();}
function propChart(name){if(!U)return;var p=td.properties[name],u=page.charts[name];
if(!u)u=makeChart(name,p.title||name,p.unit,[p.title||name],['#36c'],{style:['line'],height:160});
var h=page.propHistory[name];u.setData([h[0].slice(),h[1].slice()]);}

/* ---- the simulation panel (/_live) ---- */
var panels={},since=-1,lastClock=null;
function clockText(c){var t=new Date(c.epochMs+c.simulatedMs),end=new Date(c.epochMs+c.durationMs);
var hm=function(d){return ('0'+d.getUTCHours()).slice(-2)+':'+('0'+d.getUTCMinutes()).slice(-2);};
var day=Math.floor(c.simulatedMs/86400000)+1;
var s=t.toUTCString().slice(0,16)+', '+hm(t)+' (day '+day+')';
var left=(c.durationMs-c.simulatedMs)/1000,rate=page.rate;
var endDay=Math.floor((c.durationMs-1)/86400000)+1,endHm=hm(end)==='00:00'&&c.durationMs>0?'24:00':hm(end);
var tail=c.running?'the run ends at '+endHm+(endDay>1?' on day '+endDay:'')+
(rate?', in about '+humanSec(left/rate)+' real time':''):'the run has ended';
return {now:s,rate:rate?'×'+Math.round(rate):'',tail:tail,frac:c.simulatedMs/c.durationMs};}
function humanSec(s){return s<90?Math.round(s)+' s':s<5400?Math.round(s/60)+' min':(s/3600).toFixed(1)+' h';}
function showClock(c){if(lastClock&&c.simulatedMs>lastClock.ms){var dr=(Date.now()-lastClock.real)/1000;
if(dr>0.2){var r=(c.simulatedMs-lastClock.ms)/1000/dr;page.rate=page.rate?page.rate*0.7+r*0.3:r;}}
if(!lastClock||Date.now()-lastClock.real>900)lastClock={ms:c.simulatedMs,real:Date.now()};
var t=clockText(c);$('simtime').textContent=t.now;$('simrate').textContent=t.rate;$('simend').textContent=t.tail;
$('simprogress').value=t.frac;}
function updatePanels(list,c){var night={sunrise:c.sunriseHour,sunset:c.sunsetHour};
list.forEach(function(p){var P=panels[p.title];
if(!P){P=panels[p.title]={series:p.series.map(function(){return[[],[]];}),style:p.series.map(function(s){return s.style;}),
u:makeChart(p.title,p.title,p.unit,p.series.map(function(s){return s.name;}),p.series.map(function(s){return s.color;}),
{style:p.series.map(function(s){return s.style;}),log:p.log,thresholds:p.thresholds,night:night,utc:true,binary:/^LED/.test(p.title),height:/^LED/.test(p.title)?120:200})};}
p.series.forEach(function(s,i){var d=P.series[i];for(var k=0;k<s.times.length;k++){var x=(c.epochMs+s.times[k])/1000,v=s.values[k];
if(p.log&&!(v>0))v=null;if(d[0].length&&d[0][d[0].length-1]>=x){d[1][d[1].length-1]=v;continue;}d[0].push(x);d[1].push(v);}});
if(!P.u)return;
var tables=P.series.map(function(d,i){var xs=d[0].slice(),ys=d[1].slice();
if(P.style[i]==='step'&&xs.length){var nowX=(c.epochMs+c.simulatedMs)/1000;if(nowX>xs[xs.length-1]){xs.push(nowX);ys.push(ys[ys.length-1]);}}
if(!xs.length){xs=[(c.epochMs)/1000];ys=[null];}return[xs,ys];});
P.u.setData(tables.length===1?tables[0]:U.join(tables));});}

/* the flow graph, top down: layers by longest path from the sources, one box per thing, one curve per connection */
var NODE_W=150,NODE_H=40,GAP_X=22,LAYER_H=92,prevCounts={};
function drawGraph(g){var svg=$('graph');if(!g||!g.nodes.length){svg.innerHTML='';return;}
var layer={},slot={},k,changed=true,nodes=g.nodes,edges=g.edges;
nodes.forEach(function(n){layer[n.id]=0;});
for(k=0;k<nodes.length&&changed;k++){changed=false;edges.forEach(function(e){if(e.from!==e.to&&layer[e.to]<layer[e.from]+1){layer[e.to]=layer[e.from]+1;changed=true;}});}
var rows=[];nodes.forEach(function(n){(rows[layer[n.id]]=rows[layer[n.id]]||[]).push(n);});
var parents={};edges.forEach(function(e){(parents[e.to]=parents[e.to]||[]).push(e.from);});
function bary(n){var ps=parents[n.id]||[],s=0,m=0;ps.forEach(function(p){if(slot[p]!==undefined){s+=slot[p];m++;}});return m?s/m:0;}
var maxSlots=0;rows.forEach(function(r,L){if(L>0)r.sort(function(a,b){return bary(a)-bary(b)||a.id-b.id;});
var next=0;r.forEach(function(n){var want=L>0?Math.max(next,Math.round(bary(n))):next;slot[n.id]=want;next=want+1;if(next>maxSlots)maxSlots=next;});});
var W=maxSlots*(NODE_W+GAP_X)+60,H=rows.length*LAYER_H,pos={};
nodes.forEach(function(n){pos[n.id]={x:8+slot[n.id]*(NODE_W+GAP_X),y:22+layer[n.id]*LAYER_H};});
svg.setAttribute('viewBox','0 0 '+W+' '+H);svg.setAttribute('width',W);svg.setAttribute('height',H);
var out=['<defs><marker id="ah" viewBox="0 0 8 8" refX="7" refY="4" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0L8,4L0,8z" fill="#778"/></marker></defs>'];
edges.forEach(function(e){var a=pos[e.from],b=pos[e.to];if(!a||!b)return;
var x1=a.x+NODE_W/2,y1=a.y+NODE_H,x2=b.x+NODE_W/2,y2=b.y-1,my=(y1+y2)/2;
var key=e.from+'-'+e.to+'-'+e.port+'-'+e.inPort,busy=prevCounts[key]!==undefined&&e.count>prevCounts[key];prevCounts[key]=e.count;
var tip=(e.port!=='default'||e.inPort!=='default'?e.port+' → '+e.inPort+'\\n':'')+e.count+' events'+(e.errors?', '+e.errors+' errors':'')+', '+e.state+(e.error?'\\n'+e.error:'')+(e.last!==undefined?'\\nlast: '+e.last:'');
var label=e.state==='error'?'✕ '+(e.error||'error'):e.count+(e.last!==undefined?' · '+e.last:'')+(e.state!=='open'?' · '+e.state:'');
out.push('<g class="edge '+e.state+(busy?' busy':'')+'" data-from="'+e.from+'" data-to="'+e.to+'" data-count="'+e.count+'" data-state="'+e.state+'"><title>'+esc(tip)+'</title>'+
'<path d="M'+x1+','+y1+' C'+x1+','+my+' '+x2+','+my+' '+x2+','+y2+'" marker-end="url(#ah)"/>'+
'<text x="'+(x2+6)+'" y="'+(y2-7)+'">'+esc(label)+'</text></g>');});
nodes.forEach(function(n){var p=pos[n.id];
out.push('<g class="node '+n.kind+(n.closed?' closed':'')+'" data-name="'+esc(n.name)+'" transform="translate('+p.x+','+p.y+')"><title>'+esc(n.name+' ('+n.kind+(n.closed?', closed':'')+')')+'</title>'+
'<rect width="'+NODE_W+'" height="'+NODE_H+'" rx="6"/><text x="8" y="17" class="nn">'+esc(n.name.length>22?n.name.slice(0,21)+'…':n.name)+'</text>'+
'<text x="8" y="32" class="nk">'+n.kind+(n.closed?' · closed':'')+'</text></g>');});
svg.innerHTML=out.join('');}

/* the board: the LED, pins, the I2C bus and its devices, with fault buttons */
function drawBoard(b){var led=$('led');led.setAttribute('data-on',b.led.on?'1':'0');
$('ledtext').textContent='LED on pin '+b.led.pin+': '+(b.led.on?'on':'off')+' · '+b.led.switchings+' switching'+(b.led.switchings===1?'':'s');
$('pins').innerHTML='<tr><th>pin</th><th>name</th><th>use</th><th>level</th></tr>'+b.pins.map(function(p){
return '<tr id="pin-'+p.pin+'"><td>'+p.pin+'</td><td>'+esc(p.name)+'</td><td>'+p.use+'</td><td class="lvl l'+p.level+'">'+(p.level?'high':'low')+'</td></tr>';}).join('');
$('bus').textContent='I2C on SDA '+b.bus.data+' / SCL '+b.bus.clock+': '+b.bus.transactions+' transactions, '+b.bus.errors+' failed'+
(b.bus.faults.length?' · bus fault: '+b.bus.faults.join('; '):'');
var dev=$('devices');
if(!dev.getAttribute('data-built')||dev.getAttribute('data-built')!==b.devices.map(function(d){return d.address;}).join()){
dev.setAttribute('data-built',b.devices.map(function(d){return d.address;}).join());
dev.innerHTML='<tr><th>address</th><th>part</th><th>faults now</th><th>struck</th><th></th></tr>'+b.devices.map(function(d){
return '<tr id="dev-'+esc(d.name)+'"><td>'+d.address+'</td><td>'+esc(d.name)+'</td><td class="fl"></td><td class="fc"></td><td class="fb"><select>'+
b.faultKinds.map(function(k){return '<option>'+k+'</option>';}).join('')+'</select> <button class="inject">inject</button> <button class="clear">clear</button></td></tr>';}).join('')+
'<tr id="dev-bus"><td></td><td>bus</td><td class="fl"></td><td class="fc"></td><td class="fb"><button class="inject" data-kind="hang">hang the bus</button> <button class="clear">clear</button></td></tr>';
b.devices.concat([{name:'bus'}]).forEach(function(d){var tr=$('dev-'+d.name);
tr.querySelector('.inject').onclick=function(){var s=tr.querySelector('select');fault('POST','/_live/faults',{device:d.name,kind:s?s.value:'hang'});};
tr.querySelector('.clear').onclick=function(){fault('DELETE','/_live/faults/'+encodeURIComponent(d.name));};});}
b.devices.forEach(function(d){var tr=$('dev-'+d.name);tr.className=d.faults.length?'faulty':'';
tr.querySelector('.fl').textContent=d.faults.join('; ')||'none';
var c=Object.keys(d.struck).filter(function(k){return d.struck[k]>0;}).map(function(k){return k+' '+d.struck[k];});
tr.querySelector('.fc').textContent=c.join(', ')||'–';});
var bt=$('dev-bus');bt.className=b.bus.faults.length?'faulty':'';bt.querySelector('.fl').textContent=b.bus.faults.join('; ')||'none';
bt.querySelector('.fc').textContent=b.bus.hangs?'hang '+b.bus.hangs:'–';}
function fault(method,path,body){fetch(BASE+path,{method:method,headers:{'Content-Type':'application/json'},body:body?JSON.stringify(body):undefined})
.then(function(r){return r.json().then(function(j){if(!r.ok)throw new Error(j.message||r.status);return j;});})
.then(function(b){say('');drawBoard(b);}).catch(function(e){say(String(e.message||e));});}

function poll(){fetch(BASE+'/_live?since='+since).then(function(r){if(r.status===404)return null;if(!r.ok)throw new Error('HTTP '+r.status);return r.json();})
.then(function(s){if(!s){document.body.className='plain';return;}
if(!live){live=true;document.body.className='sim';Object.keys(page.charts).forEach(function(k){page.charts[k].destroy();delete page.charts[k];});$('charts').innerHTML='';}
page.live=s;page.polls++;showClock(s.clock);updatePanels(s.panels,s.clock);drawGraph(s.graph);drawBoard(s.board);
since=s.clock.simulatedMs;$('simstate').textContent=s.clock.running?'running':'ended';
if(s.clock.running)setTimeout(poll,1000);})
.catch(function(){if(live){$('simstate').textContent='not reachable (the run has ended or the server stopped)';setTimeout(poll,3000);}});}

/* ---- the WebSocket ---- */
var wsHref=null;(td.links||[]).forEach(function(l){if(l.rel==='alternate'&&/^wss?:/.test(l.href))wsHref=l.href;});
var wsUrl=(location.protocol==='https:'?'wss://':'ws://')+location.host+(wsHref?new URL(wsHref.replace(/^ws/,'http')).pathname:'/');
fetch(td.links[0].href).then(function(r){return r.json();}).then(function(all){Object.keys(all).forEach(function(k){show(k,all[k]);});});
function connect(){ws=new WebSocket(wsUrl);
ws.onopen=function(){st.textContent='live';st.className='on';say('');};
ws.onclose=function(){st.textContent='disconnected, retrying';st.className='';setTimeout(connect,2000);};
ws.onmessage=function(m){var msg;try{msg=JSON.parse(m.data);}catch(e){return;}
if(msg.messageType==='propertyStatus')Object.keys(msg.data).forEach(function(k){show(k,msg.data[k]);});
else if(msg.messageType==='error')say(msg.data.message);};}
connect();poll();
window.addEventListener('resize',function(){Object.keys(page.charts).forEach(function(k){var u=page.charts[k],w=u.root.parentNode.clientWidth;if(w>0)u.setSize({width:w,height:u.height});});});
})();`;
