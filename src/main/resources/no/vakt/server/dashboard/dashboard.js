// Vakt dashboard: polls the JSON API and redraws in place. No framework, no build step, nothing from
// the internet. Every value from the server goes into the page as text (textContent), never as HTML.
'use strict';

(function () {
  var POLL_MS = 1500;            // the issue asks for 1-2 s
  var STALE_AFTER_MS = 6000;     // no answer for this long: say so loudly
  var TIMELINE_LIMIT = 40;
  var SVG = 'http://www.w3.org/2000/svg';
  var TOKEN_KEY = 'vakt-api-token';

  var state = { lastOk: 0, busy: false, summary: null, approvalOpen: false };

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function storedToken() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
  }

  function rememberToken(t) {
    try { sessionStorage.setItem(TOKEN_KEY, t); } catch (e) { /* private mode: ask again next time */ }
  }

  function headers(token) {
    var h = { 'Accept': 'application/json' };
    if (token) h['Authorization'] = 'Bearer ' + token;
    return h;
  }

  function getJson(path) {
    return fetch(path, { headers: headers(storedToken()), cache: 'no-store' }).then(function (r) {
      if (r.status === 401) {
        var err = new Error('token required');
        err.status = 401;
        throw err;
      }
      if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
      return r.json();
    });
  }

  // ---- formatting ----

  function ms(v) {
    if (v === null || v === undefined) return { value: '\u2013', unit: '' };
    if (v < 1000) return { value: String(Math.round(v)), unit: 'ms' };
    if (v < 60000) return { value: (v / 1000).toFixed(v < 10000 ? 2 : 1), unit: 's' };
    if (v < 3600000) return { value: (v / 60000).toFixed(1), unit: 'min' };
    return { value: (v / 3600000).toFixed(1), unit: 'h' };
  }

  function msText(v) { var f = ms(v); return f.unit ? f.value + ' ' + f.unit : f.value; }

  function clock(iso) {
    if (!iso) return '';
    var d = new Date(iso);
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  }

  function ago(iso) {
    if (!iso) return '';
    var s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
    if (s < 90) return s + ' s ago';
    if (s < 5400) return Math.round(s / 60) + ' min ago';
    if (s < 172800) return Math.round(s / 3600) + ' h ago';
    return Math.round(s / 86400) + ' days ago';
  }

  // ---- banner and header ----

  function renderHeader(s) {
    $('cluster').textContent = s.cluster;
    document.title = 'Vakt \u2013 ' + s.cluster;
    var mode = $('mode');
    mode.textContent = s.mode;
    mode.className = 'badge ' + (s.mode === 'automatic' ? 'badge-ok' : s.mode === 'manual' ? 'badge-warn' : 'badge-muted');
    mode.title = 'policy.failover: ' + s.mode;
  }

  function renderBanner(s) {
    var b = $('banner'), title = $('banner-title'), detail = $('banner-detail');
    var m = s.monitor, cls = 'state-unknown', t, d = '';
    var running = s.failovers.running;
    if (running) {
      cls = 'state-bad'; t = 'FAILOVER RUNNING';
      d = running.from + ' \u2192 ' + running.to + ' (failover ' + running.id + ', started ' + clock(running.started_at) + ')';
    } else if (!m.health) {
      t = 'Waiting for the monitor\u2026';
    } else if (!m.fresh) {
      cls = 'state-warn'; t = 'MONITOR SILENT';
      d = 'the last observation is ' + msText(m.age_ms) + ' old: is vakt run stuck?';
    } else if (m.health === 'DOWN') {
      cls = 'state-bad'; t = 'PRIMARY ' + m.primary + ' DOWN';
      d = paused(s) ? 'both witnesses agree; PAUSED: no automatic failover until ' + clock(s.maintenance.until) +
          ' (vakt promote still works)'
        : s.approval.awaiting ? 'both witnesses agree; the failover waits for your approval'
        : s.mode === 'automatic' ? 'both witnesses agree; automatic mode fails over' : s.approval.reason;
    } else if (m.health === 'UNREACHABLE_FROM_MONITOR') {
      cls = 'state-warn'; t = 'MONITOR CANNOT REACH ' + m.primary;
      d = m.standby + ' still receives from it: no failover; check the network to ' + m.primary;
    } else if (m.health === 'SUSPECT') {
      cls = 'state-warn'; t = 'PRIMARY ' + m.primary + ' SUSPECT';
      d = 'missed probes: ' + (m.primary_error || 'no answer');
    } else if (m.health === 'UNKNOWN') {
      cls = 'state-warn'; t = 'PRIMARY STATE UNKNOWN';
      d = 'the monitor lost ' + m.primary + ' and ' + m.standby + ' cannot confirm: no failover on one witness';
    } else if (s.traffic && s.traffic.pending) {
      // Promoted, but users may still be sent to the old primary: never ALL GOOD (nor only "unprotected").
      var tp = s.traffic;
      cls = 'state-bad'; t = 'TRAFFIC PENDING: NOT SWITCHED TO ' + tp.node;
      d = 'the traffic switch to ' + tp.node + ' failed (' + tp.attempts + ' attempt' + (tp.attempts === 1 ? '' : 's') +
        ' since ' + clock(tp.since) + '): ' + tp.error + '; vakt run retries it; once the cause is fixed: ' + tp.command;
    } else if (standbyLost(s)) {
      cls = 'state-warn'; t = 'UNPROTECTED: STANDBY ' + m.standby + ' DOWN';
      d = m.primary + ' serves alone; nothing receives its writes until ' + m.standby + ' is back (vakt rejoin ' + m.standby + ')';
    } else {
      var lagBad = m.lag_ms !== null && m.lag_ms > s.objectives.rpo_ms;
      var warnings = (s.warnings || []).length;
      var files = fileSyncProblem(s.file_sync);
      if (lagBad) {
        cls = 'state-warn'; t = 'LAG ABOVE RPO';
        d = m.standby + ' is ' + msText(m.lag_ms) + ' behind (RPO ' + msText(s.objectives.rpo_ms) + ')';
      } else if (files) {
        cls = files.cls; t = files.title; d = files.detail;
      } else if (warnings) {
        cls = 'state-warn'; t = 'HEALTHY, WITH WARNINGS';
        d = warnings + ' warning' + (warnings > 1 ? 's' : '') + ' below';
      } else {
        cls = 'state-ok'; t = 'ALL GOOD';
        d = m.primary + ' is primary, ' + m.standby + ' is ' + msText(m.lag_ms) + ' behind';
      }
    }
    b.className = 'banner ' + cls;
    b.setAttribute('data-health', m.health || '');
    title.textContent = t;
    detail.textContent = d;
  }

  // File sync states that must not read as "all good" (FileSyncBacklog.needsAttention on the server).
  var FILE_SYNC_TITLES = {
    'refused': 'FILE SYNC REFUSES A DIRECTORY',
    'deletes-held': 'FILE SYNC: DELETIONS HELD BACK',
    'failing': 'FILE SYNC FAILING',
    'behind': 'FILE SYNC BEHIND',
    'stopped': 'FILE SYNC STOPPED',
    'not running': 'FILE SYNC STOPPED'
  };

  function fileSyncProblem(f) {
    if (!f || !f.configured) return null;
    if (!f.available) return { cls: 'state-warn', title: 'FILE SYNC NOT REPORTING', detail: 'vakt run has no report from file sync' };
    var title = FILE_SYNC_TITLES[f.state];
    if (!title) return null;
    return { cls: f.state === 'refused' ? 'state-bad' : 'state-warn', title: title, detail: f.detail || '' };
  }

  function standbyLost(s) {
    var standby = s.nodes.filter(function (n) { return n.node === s.monitor.standby; })[0];
    return !!standby && !standby.reachable;
  }

  function paused(s) { return !!(s.maintenance && s.maintenance.paused); }

  // Maintenance mode (vakt pause): its own strip above everything but the health banner.
  function renderPaused(s) {
    var box = $('paused'), m = s.maintenance;
    box.hidden = !paused(s);
    if (!paused(s)) return;
    $('paused-detail').textContent = 'until ' + clock(m.until) + ' (' + msText(m.remaining_ms) + ' left), ' +
      (m.reason ? 'reason: ' + m.reason : 'no reason given') + ', by ' + m.by + '. Detection and alerts go on;' +
      ' vakt resume ends it.';
  }

  function renderApproval(s) {
    var a = s.approval, box = $('approval');
    box.hidden = !a.awaiting;
    if (a.awaiting) {
      $('approval-title').textContent = 'Primary ' + a.from + ' is DOWN \u2013 promote ' + a.to + '?';
      $('approval-detail').textContent = a.reason + '. Same as running: ' + a.command + '.';
      $('approve-button').disabled = !s.write_actions_enabled;
      $('approve-button').title = s.write_actions_enabled ? '' : 'operator actions are disabled: no server.token-file';
    }
  }

  // ---- big numbers ----

  function renderKpis(s) {
    var m = s.monitor, rpo = s.objectives.rpo_ms;
    var lag = m.lag_ms, f = ms(lag);
    var lagEl = $('lag-value');
    lagEl.textContent = f.value;
    lagEl.setAttribute('data-lag-ms', lag === null || lag === undefined ? '' : String(lag));
    $('lag-unit').textContent = f.unit;
    $('lag-sub').textContent = (m.standby ? m.standby + ' \u00b7 ' : '') + 'RPO ' + msText(rpo);
    $('kpi-lag').className = 'kpi ' + (lag === null || lag === undefined ? 'warn' : lag > rpo ? 'bad' : 'ok');

    var primaries = s.nodes.filter(function (n) { return n.live_role === 'primary'; });
    var p = $('primary-value');
    p.textContent = primaries.length === 1 ? primaries[0].node : primaries.length === 0 ? 'none' : 'SPLIT BRAIN';
    $('primary-sub').textContent = primaries.length === 1 ? 'site ' + primaries[0].site
      : primaries.length === 0 ? 'no writable node' : primaries.map(function (n) { return n.node; }).join(', ');
    $('kpi-primary').className = 'kpi ' + (primaries.length === 1 ? 'ok' : 'bad');

    var last = s.failovers.last;
    $('failover-value').textContent = last ? (last.duration_ms !== null ? msText(last.duration_ms) : last.outcome) : 'none';
    $('failover-sub').textContent = last ? last.from + ' \u2192 ' + last.to + ', ' + (last.label || last.outcome) + ', ' +
      ago(last.ended_at) : 'no failover journaled';
    $('kpi-failover').className = 'kpi' + (last && last.outcome === 'aborted' ? ' bad'
      : s.traffic && s.traffic.pending ? ' warn' : '');
    $('epoch-value').textContent = String(s.epoch);
    // Share of the primary's hot set resident on the standby at the last warmup refresh (docs/warm.md).
    var w = s.warmup;
    $('warmth-value').textContent = w ? Math.round(w.warmth * 100) + ' %' : '\u2013';
    $('warmth-sub').textContent = w ? w.standby + ', refreshed ' + ago(w.at) : 'no refresh yet';
    // The binlog archive's lag and the newest base backup (docs/backup.md); null without a backup: section.
    var b = s.backup;
    $('archive-value').textContent = b && b.lag_ms !== null ? msText(b.lag_ms) : '\u2013';
    $('archive-sub').textContent = !b ? 'no backup: section' : b.problem ? 'BROKEN: ' + b.problem
      : (b.state + (b.node ? ' from ' + b.node : '') + (b.newest_backup_at ? ', backup ' + ago(b.newest_backup_at) : ', no base backup'));
    $('kpi-archive').className = 'kpi' + (b && b.problem ? ' bad' : b && (b.lag_ms === null || b.lag_ms > 10000) ? ' warn' : '');
  }

  // ---- sites and nodes ----

  function roleBadge(role) {
    var cls = role === 'primary' ? 'badge-ok' : role === 'standby' ? 'badge-info' : role === 'idle' ? 'badge-accent' : 'badge-bad';
    return el('span', 'badge role ' + cls, role.toUpperCase());
  }

  function fact(label, value, cls) {
    var f = el('div', 'fact');
    f.appendChild(el('div', 'fact-label', label));
    f.appendChild(el('div', 'fact-value' + (cls ? ' ' + cls : ''), value));
    return f;
  }

  function threadClass(v) { return v === null || v === undefined ? '' : v === 'Yes' ? 'ok' : 'bad'; }

  function renderSites(s) {
    var box = $('sites');
    clear(box);
    var byName = {};
    s.nodes.forEach(function (n) { byName[n.node] = n; });
    s.sites.forEach(function (site) {
      var card = el('div', 'site');
      card.setAttribute('data-site', site.name);
      var head = el('div', 'site-head');
      head.appendChild(el('div', 'site-name', site.name));
      head.appendChild(el('div', 'site-where', [site.zone, site.country].filter(Boolean).join(' \u00b7 ')));
      card.appendChild(head);
      site.nodes.forEach(function (name) {
        var n = byName[name];
        if (!n) return;
        var node = el('div', 'node');
        node.setAttribute('data-node', n.node);
        node.setAttribute('data-role', n.live_role);
        var h = el('div', 'node-head');
        h.appendChild(el('span', 'node-name', n.node));
        h.appendChild(roleBadge(n.live_role));
        h.appendChild(el('span', 'badge health ' + (n.reachable ? 'badge-ok' : 'badge-bad'), n.reachable ? 'UP' : 'DOWN'));
        if (n.live_role !== 'unknown' && n.live_role !== n.configured_role) {
          h.appendChild(el('span', 'badge badge-muted', 'configured ' + n.configured_role));
        }
        node.appendChild(h);
        var facts = el('div', 'node-facts');
        var ro = n.read_only === null ? '\u2013' : n.read_only ? 'ON' : 'OFF';
        var roCls = n.read_only === null ? '' : (n.live_role === 'primary' ? (n.read_only ? 'bad' : 'ok')
          : (n.read_only ? 'ok' : 'bad'));
        var roFact = fact('read_only', ro, roCls);
        roFact.className = 'fact read-only';
        facts.appendChild(roFact);
        var lagCls = n.heartbeat_lag_ms === null ? '' : n.heartbeat_lag_ms > s.objectives.rpo_ms ? 'bad' : 'ok';
        facts.appendChild(fact('lag', n.live_role === 'standby' ? msText(n.heartbeat_lag_ms) : '\u2013',
          n.live_role === 'standby' ? lagCls : ''));
        facts.appendChild(fact('address', n.address));
        facts.appendChild(fact('IO thread', n.io_thread || '\u2013', threadClass(n.io_thread)));
        facts.appendChild(fact('SQL thread', n.sql_thread || '\u2013', threadClass(n.sql_thread)));
        facts.appendChild(fact('GTID', n.gtid_current_pos || '\u2013'));
        node.appendChild(facts);
        if (n.last_error) node.appendChild(el('div', 'node-error', n.last_error));
        card.appendChild(node);
      });
      box.appendChild(card);
    });
    var w = $('warnings');
    clear(w);
    (s.warnings || []).forEach(function (t) { w.appendChild(el('li', null, t)); });
  }

  // ---- lag chart ----

  function renderLag(data) {
    var chart = $('lag-chart');
    clear(chart);
    var W = 1000, H = 240, L = 64, R = 12, T = 14, B = 26;
    var samples = data.samples || [];
    var rpo = data.rpo_ms;
    var end = samples.length ? samples[samples.length - 1].t : Date.now();
    var start = end - data.minutes * 60000;
    var max = rpo * 1.25;
    samples.forEach(function (p) { if (p.lag_ms !== null && p.lag_ms * 1.15 > max) max = p.lag_ms * 1.15; });
    if (max < 100) max = 100;
    function x(t) { return L + (W - L - R) * (t - start) / (end - start); }
    function y(v) { return T + (H - T - B) * (1 - Math.min(v, max) / max); }

    for (var i = 0; i <= 4; i++) {
      var v = max * i / 4;
      chart.appendChild(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), 'class': 'grid-line' }));
      chart.appendChild(svg('text', { x: L - 8, y: y(v) + 4, 'text-anchor': 'end', 'class': 'axis-label' }, msText(v)));
    }
    [0, 5, 10, 15].forEach(function (m) {
      if (m > data.minutes) return;
      var t = end - m * 60000;
      chart.appendChild(svg('text', { x: Math.max(L + 10, Math.min(W - R - 14, x(t))), y: H - 6, 'text-anchor': 'middle',
        'class': 'axis-label' }, m === 0 ? 'now' : '-' + m + ' min'));
    });
    // Ticks where the primary was not HEALTHY: a red band at the bottom.
    samples.forEach(function (p, idx) {
      if (p.health === 'HEALTHY') return;
      var next = idx + 1 < samples.length ? samples[idx + 1].t : p.t + 1000;
      chart.appendChild(svg('rect', { x: x(p.t), y: H - B - 6, width: Math.max(1.5, x(next) - x(p.t)), height: 6,
        'class': 'down-band' }));
    });
    chart.appendChild(svg('line', { x1: L, x2: W - R, y1: y(rpo), y2: y(rpo), 'class': 'rpo-line' }));
    chart.appendChild(svg('text', { x: W - R - 4, y: y(rpo) - 5, 'text-anchor': 'end', 'class': 'rpo-label' },
      'RPO ' + msText(rpo)));

    // One path per run of known values: a gap where the lag was unknown.
    var runs = [], run = [];
    samples.forEach(function (p) {
      if (p.lag_ms === null || p.lag_ms === undefined) { if (run.length) runs.push(run); run = []; } else run.push(p);
    });
    if (run.length) runs.push(run);
    runs.forEach(function (r) {
      var d = r.map(function (p, k) { return (k ? 'L' : 'M') + x(p.t).toFixed(1) + ' ' + y(p.lag_ms).toFixed(1); }).join(' ');
      if (r.length > 1) {
        var area = d + ' L' + x(r[r.length - 1].t).toFixed(1) + ' ' + y(0) + ' L' + x(r[0].t).toFixed(1) + ' ' + y(0) + ' Z';
        chart.appendChild(svg('path', { d: area, 'class': 'lag-area' }));
      }
      chart.appendChild(svg('path', { d: r.length > 1 ? d : d + ' l1 0', 'class': 'lag-line' }));
    });
    chart.setAttribute('data-samples', String(samples.length));

    var known = samples.filter(function (p) { return p.lag_ms !== null && p.lag_ms !== undefined; });
    var cap = $('lag-caption');
    if (!known.length) {
      cap.textContent = samples.length ? 'lag unknown in every sample (standby unreachable or no heartbeat yet)' : 'no samples yet';
    } else {
      var hi = Math.max.apply(null, known.map(function (p) { return p.lag_ms; }));
      var over = known.filter(function (p) { return p.lag_ms > rpo; }).length;
      cap.textContent = known.length + ' samples \u00b7 max ' + msText(hi) + ' \u00b7 ' +
        (over ? over + ' above the RPO' : 'never above the RPO');
    }
  }

  // ---- objectives, drill, file sync ----

  function objective(label, target, measured, met) {
    var o = el('div', 'objective' + (met === true ? ' ok' : met === false ? ' bad' : ''));
    o.appendChild(el('div', 'fact-label', label + ' objective ' + msText(target)));
    o.appendChild(el('div', 'big', measured === null || measured === undefined ? '\u2013' : msText(measured)));
    o.appendChild(el('div', 'kpi-sub', met === true ? 'last drill: met' : met === false ? 'last drill: MISSED' : 'not measured yet'));
    return o;
  }

  function renderObjectives(s) {
    var box = $('objectives');
    clear(box);
    var d = s.last_drill;
    box.appendChild(objective('RTO', s.objectives.rto_ms, d ? d.rto_ms : null, d ? d.rto_met : null));
    box.appendChild(objective('RPO', s.objectives.rpo_ms, d ? d.rpo_ms : null, d ? d.rpo_met : null));
    var note = el('div', 'objective-note', d ? 'last drill ' + ago(d.at) + (d.outcome ? ' (' + d.outcome + ')' : '') + ': ' + d.summary
      : 'no drill yet: the objectives are unproven until a drill measures them');
    note.id = 'drill-note';
    box.appendChild(note);
  }

  function renderFileSync(s) {
    var box = $('filesync'), f = s.file_sync;
    clear(box);
    box.setAttribute('data-configured', String(f.configured));
    if (!f.configured) {
      box.appendChild(el('span', 'muted', 'not configured'));
      return;
    }
    if (!f.available) {
      box.appendChild(el('span', 'fact-value bad', 'no report from file sync'));
      return;
    }
    var problem = fileSyncProblem(f);
    box.setAttribute('data-state', f.state || '');
    if (problem) box.appendChild(el('div', 'filesync-alert ' + problem.cls, problem.title));
    box.appendChild(el('div', 'big', f.files + ' file' + (f.files === 1 ? '' : 's') + ' waiting'));
    box.appendChild(el('div', 'kpi-sub', 'oldest ' + (f.oldest_age_ms === null ? '\u2013' : msText(f.oldest_age_ms)) +
      (f.state ? ' \u00b7 ' + f.state : '')));
    if (f.detail) box.appendChild(el('div', 'filesync-detail', f.detail));
  }

  // ---- agents: who may act (the single monitor, or the agents ZooKeeper coordinates) ----

  function renderAgents(s) {
    var box = $('agents'), c = s.coordination;
    clear(box);
    if (!c) return;
    box.setAttribute('data-mode', c.mode);
    box.setAttribute('data-authority', String(c.authority));
    var live = c.session === 'LOCAL' || c.session === 'CONNECTED' || c.session === 'RECONNECTED';
    var facts = el('div', 'agents-facts');
    facts.appendChild(fact('this agent', c.agent + (c.authority ? ' · acts' : ' · does not act'), c.authority ? 'ok' : ''));
    facts.appendChild(fact('leader', c.leader || 'unknown', c.leader ? '' : 'bad'));
    if (c.mode === 'zookeeper') {
      facts.appendChild(fact('ZooKeeper session', c.session + (c.session_since ? ' since ' + clock(c.session_since) : ''),
        live ? 'ok' : 'bad'));
      facts.appendChild(fact('epoch in ZooKeeper', c.epoch === null || c.epoch === undefined ? '–' : String(c.epoch)));
    }
    box.appendChild(facts);
    if (c.mode !== 'zookeeper') {
      box.appendChild(el('div', 'agents-detail muted', 'single monitor (no coordination: section): ' + c.reason));
      return;
    }
    var list = el('ul', 'agent-list');
    (c.agents || []).forEach(function (a) {
      var li = el('li', 'agent');
      li.setAttribute('data-agent', a.name);
      li.appendChild(el('span', 'badge ' + (a.name === c.leader ? 'badge-ok' : 'badge-muted'),
        a.name === c.leader ? 'LEADER' : (a.role || '?').toUpperCase()));
      li.appendChild(el('span', 'agent-name', ' ' + a.name + (a.name === c.agent ? ' (this one)' : '')));
      if (a.api) li.appendChild(el('span', 'muted', ' ' + a.api));
      list.appendChild(li);
    });
    box.appendChild(list);
    box.appendChild(el('div', 'agents-detail', c.reason));
  }

  // ---- timeline ----

  var KIND_CLASS = { 'failover-step': 'badge-bad', 'alert': 'badge-warn', 'operator-action': 'badge-accent',
    'state-change': 'badge-info', 'epoch': 'badge-ok', 'drill': 'badge-muted' };

  function renderTimeline(history) {
    var box = $('timeline');
    clear(box);
    var events = (history.events || []).slice().reverse();
    events.forEach(function (e) {
      var li = el('li', 'event kind-' + e.kind);
      li.setAttribute('data-kind', e.kind);
      var t = el('span', 'event-time', clock(e.at));
      t.title = e.at;
      li.appendChild(t);
      li.appendChild(el('span', 'badge event-kind ' + (KIND_CLASS[e.kind] || 'badge-muted'), e.kind));
      var sum = el('span', 'event-summary');
      if (e.node) sum.appendChild(el('span', 'event-node', e.node));
      sum.appendChild(document.createTextNode(e.summary));
      li.appendChild(sum);
      box.appendChild(li);
    });
    if (!events.length) box.appendChild(el('li', 'muted', 'nothing journaled yet'));
  }

  // ---- connection and polling ----

  function setConnection(ok, text) {
    var c = $('connection');
    c.className = 'connection ' + (ok ? 'conn-live' : 'conn-lost');
    c.textContent = text;
  }

  function poll() {
    if (state.busy) return;
    state.busy = true;
    Promise.all([getJson('api/metrics-summary'), getJson('api/lag?minutes=15'), getJson('api/history?limit=' + TIMELINE_LIMIT)])
      .then(function (r) {
        state.summary = r[0];
        state.lastOk = Date.now();
        renderHeader(r[0]);
        renderBanner(r[0]);
        renderPaused(r[0]);
        renderApproval(r[0]);
        renderKpis(r[0]);
        renderSites(r[0]);
        renderObjectives(r[0]);
        renderFileSync(r[0]);
        renderAgents(r[0]);
        renderLag(r[1]);
        renderTimeline(r[2]);
        setConnection(true, 'live \u00b7 ' + clock(r[0].generated_at));
      })
      .catch(function (e) {
        if (e.status === 401) {
          setConnection(false, 'API token required');
          askToken('Read access', 'This dashboard is opened from another machine: the API needs its token.', function (t) {
            rememberToken(t);
            poll();
          });
        } else if (Date.now() - state.lastOk > STALE_AFTER_MS) {
          setConnection(false, 'NO ANSWER FROM VAKT' + (state.lastOk ? ' since ' + clock(new Date(state.lastOk).toISOString()) : ''));
        }
      })
      .then(function () { state.busy = false; });
  }

  // ---- token dialog and operator actions ----

  var pendingToken = null;

  function askToken(title, text, then) {
    var dlg = $('token-dialog');
    if (dlg.open) return;
    $('token-title').textContent = title;
    $('token-text').textContent = text;
    $('token-submit').textContent = title === 'Approve failover' ? 'Approve' : 'Continue';
    $('token-input').value = storedToken();
    pendingToken = then;
    if (typeof dlg.showModal === 'function') dlg.showModal(); else dlg.setAttribute('open', '');
    $('token-input').focus();
  }

  function closeDialog() {
    var dlg = $('token-dialog');
    if (typeof dlg.close === 'function') dlg.close(); else dlg.removeAttribute('open');
  }

  // ok: true (done), false (failed) or 'warn' (done, but something is left to do).
  function showResult(ok, text) {
    var r = $('action-result');
    r.hidden = false;
    r.className = 'action-result ' + (ok === 'warn' ? 'warn' : ok ? 'ok' : 'bad');
    r.textContent = text;
  }

  function approve(token) {
    showResult(true, 'Approving: promoting the standby\u2026');
    fetch('api/approve-failover', { method: 'POST', headers: Object.assign(headers(token), { 'Content-Type': 'application/json' }),
      body: '{}', cache: 'no-store' })
      .then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); })
      .then(function (r) {
        if (r.status === 200 && r.body.traffic_pending) {
          // Promoted (200: it cannot be taken back), but the users are not moved yet.
          rememberToken(token);
          showResult('warn', 'Failover ' + r.body.failover_id + ' completed, traffic pending: ' + r.body.message + '\n' +
            (r.body.steps || ''));
        } else if (r.status === 200) {
          rememberToken(token);
          showResult(true, 'Failover ' + r.body.failover_id + ' completed: ' + r.body.to + ' is primary (epoch ' +
            r.body.epoch + ').\n' + (r.body.steps || ''));
        } else {
          showResult(false, 'HTTP ' + r.status + ': ' + (r.body.message || r.body.error) +
            (r.body.steps ? '\n' + r.body.steps : ''));
        }
        poll();
      })
      .catch(function (e) { showResult(false, 'The request failed: ' + e.message); });
  }

  function init() {
    $('approve-button').addEventListener('click', function () {
      var a = state.summary && state.summary.approval;
      askToken('Approve failover', a ? 'Promote ' + a.to + ' now; ' + a.from + ' is fenced if it answers. ' +
        'Enter the API token (server.token-file).' : 'Enter the API token.', approve);
    });
    $('token-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var t = $('token-input').value.trim();
      if (!t) return;
      closeDialog();
      var then = pendingToken;
      pendingToken = null;
      if (then) then(t);
    });
    $('token-cancel').addEventListener('click', function () {
      pendingToken = null;
      closeDialog();
    });
    poll();
    setInterval(poll, POLL_MS);
    setInterval(function () {
      if (state.lastOk && Date.now() - state.lastOk > STALE_AFTER_MS) {
        setConnection(false, 'NO ANSWER FROM VAKT since ' + clock(new Date(state.lastOk).toISOString()));
      }
    }, 1000);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
}());
