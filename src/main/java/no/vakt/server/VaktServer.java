package no.vakt.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.Durations;
import no.vakt.config.ServerConfig;
import no.vakt.config.VaktConfig;
import no.vakt.failover.FailoverRunner;
import no.vakt.failover.detect.MonitorTick;
import no.vakt.filesync.FileSyncSnapshot;
import no.vakt.filesync.FileSyncStatusView;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalJson;
import no.vakt.maintenance.Maintenance;
import no.vakt.maintenance.MaintenanceJson;
import no.vakt.maintenance.Pause;
import no.vakt.status.StatusJson;
import no.vakt.traffic.TrafficSwitch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API, the dashboard and {@code /metrics} inside {@code vakt run}, on the JDK's own HTTP server
 * (no dependency, no framework). See {@code docs/dashboard.md} for the endpoints.
 *
 * <p>Sources: the monitor's ticks ({@link #observe}), a background status sampler, the journal and an
 * optional file sync report. Requests only read what those hold, so a dead database never blocks a page.
 * Threads: {@link #HTTP_THREADS} daemon threads serve requests; an operator action holds one of them
 * while it runs. Lifecycle: LATENT, STARTED by {@link #start()}, CLOSED by {@link #close()} (idempotent).
 */
public final class VaktServer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(VaktServer.class);
    /** Enough for a dashboard poll, a scrape and one running operator action at once, on a small machine. */
    static final int HTTP_THREADS = 4;
    /** POST bodies are a few small fields. */
    static final int MAX_BODY = 16 * 1024;
    /** How often the background status probe runs: the dashboard polls every 1-2 s. */
    static final Duration STATUS_PERIOD = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = JournalJson.mapper();

    private enum Lifecycle { LATENT, STARTED, CLOSED }

    private final VaktConfig config;
    private final ServerConfig serverConfig;
    private final Journal journal;
    private final StatusSampler sampler;
    private final LiveView view;
    private final Access access;
    private final OperatorActions actions;
    private final VaktMetrics metrics;
    private final MaintenanceActions maintenanceActions;
    private final LeaderCheck leaderCheck;
    private final DashboardFiles files = new DashboardFiles();
    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.LATENT);
    private HttpServer http;
    private ExecutorService executor;
    /** Where a rejoin saves errant transactions; null: this server does not rejoin. */
    private final java.nio.file.Path errantDir;
    private final Supplier<Optional<no.vakt.coordination.CoordinatorStatus>> coordination;

    private VaktServer(Builder b) {
        this.coordination = b.coordination;
        this.config = b.config;
        this.serverConfig = b.serverConfig != null ? b.serverConfig : b.config.server();
        this.journal = b.journal;
        this.sampler = new StatusSampler(config, b.clock, b.statusPeriod, b.fileSyncStatus);
        // The commands the page and the answers name: the runner's (vakt run: its --config and --journal).
        OperatorCommands commands = b.commands != null ? b.commands
                : b.runner != null ? b.runner.commands() : OperatorCommands.NONE;
        Maintenance maintenance = b.maintenance != null ? b.maintenance : new Maintenance(journal, config.cluster(), b.clock);
        this.view = new LiveView(config, sampler, new JournalFacts(journal, config.cluster(), b.clock), b.fileSync, b.clock,
                commands, maintenance::active);
        this.access = new Access(serverConfig.tokenSecret(), serverConfig.readTokenSecret(), serverConfig.address().host());
        this.actions = new OperatorActions(config, journal, b.runner, b.traffic, b.clock, view::approval, commands);
        this.metrics = new VaktMetrics(view, coordination);
        this.errantDir = b.errantDir;
        this.maintenanceActions = new MaintenanceActions(maintenance, view);
        this.leaderCheck = new LeaderCheck(serverConfig);
        view.primaryReadOnly(b.primaryReadOnly);
        view.backup(b.backup);
    }

    public static Builder builder(VaktConfig config, Journal journal, Clock clock) {
        return new Builder(config, journal, clock);
    }

    /** The monitor's tick listener: feeds the lag history and the live health. Quick, never blocks. */
    public void observe(MonitorTick tick) {
        view.observe(tick);
    }

    /** Binds and starts serving; throws when the address cannot be bound or the TLS files are unusable. */
    public VaktServer start() throws IOException {
        if (!lifecycle.compareAndSet(Lifecycle.LATENT, Lifecycle.STARTED)) {
            throw new IllegalStateException("the server was already " + lifecycle.get().name().toLowerCase());
        }
        try {
            InetSocketAddress at = serverConfig.address().socketAddress();
            ServerConfig.ServerTls tls = serverConfig.tls();
            if (tls != null) {
                HttpsServer https = HttpsServer.create(at, 0);
                https.setHttpsConfigurator(new HttpsConfigurator(PemKeys.sslContext(tls.cert(), tls.key())));
                http = https;
            } else {
                http = HttpServer.create(at, 0);
            }
            AtomicInteger n = new AtomicInteger();
            executor = Executors.newFixedThreadPool(HTTP_THREADS, r -> {
                Thread t = new Thread(r, "vakt-http-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            http.setExecutor(executor);
            http.createContext("/", this::handle);
            sampler.start();
            http.start();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("dashboard and API on {}", url());
        return this;
    }

    /**
     * For {@code vakt run}: starts when {@code server.enabled}, and when it cannot (port in use, bad TLS
     * files) says so and lets the monitor run on: watching the pair matters more than the dashboard.
     */
    public void startForRun(Consumer<String> out) {
        if (!serverConfig.enabled()) return;
        try {
            start();
            out.accept("dashboard and API on " + url() + (access.tokenConfigured() ? ""
                    : " (operator actions disabled: no server.token-file)"));
        } catch (IOException | RuntimeException e) {
            LOG.error("the dashboard did not start on {}: {}", serverConfig.listen(), e.toString());
            out.accept("WARNING: the dashboard did not start on " + serverConfig.listen() + ": " + e.getMessage()
                    + "; monitoring continues");
        }
    }

    /** The bound address (the real port when the config said 0); null before {@link #start()}. */
    public InetSocketAddress address() {
        return http == null ? null : http.getAddress();
    }

    public String url() {
        InetSocketAddress a = address();
        String host = serverConfig.address().host();
        String shown = host.contains(":") ? "[" + host + "]" : host;
        return (serverConfig.tls() != null ? "https" : "http") + "://" + shown + ":" + (a == null ? "?" : a.getPort()) + "/";
    }

    @Override
    public void close() {
        if (lifecycle.getAndSet(Lifecycle.CLOSED) == Lifecycle.CLOSED) return;
        if (http != null) http.stop(0);
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sampler.close();
    }

    // ---- requests ----

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            route(ex);
        } catch (RuntimeException e) {
            LOG.error("{} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(), e.toString(), e);
            try {
                json(ex, 500, OperatorActions.error("internal", "the server failed on this request; see its log"));
            } catch (IOException | RuntimeException ignored) {
                // The response may already have started; the log has the cause.
            }
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (path.startsWith("/health/")) {
            roleHealth(ex, path);
            return;
        }
        boolean post = path.equals("/api/approve-failover") || path.equals("/api/switchover")
                || path.equals("/api/traffic/apply") || path.equals("/api/promote") || path.equals("/api/rejoin")
                || path.equals("/api/pause") || path.equals("/api/resume");
        if (post) {
            if (!method.equals("POST")) {
                methodNotAllowed(ex, "POST");
                return;
            }
            Optional<Access.Denial> denied = access.write(ex.getRequestHeaders().getFirst("Authorization"));
            if (denied.isPresent()) {
                deny(ex, denied.get());
                return;
            }
            byte[] raw;
            JsonNode body;
            try {
                raw = rawBody(ex);
                body = body(raw);
            } catch (IllegalArgumentException e) {
                json(ex, 400, OperatorActions.error("bad_request", e.getMessage()));
                return;
            }
            // The leader-check: with agents, only the one with authority acts; the others hand the call to it.
            var who = coordination.get().orElse(null);
            if (LeaderCheck.elsewhere(who)) {
                LeaderCheck.Answer a = leaderCheck.route(who, path, raw, body,
                        ex.getRequestHeaders().getFirst(LeaderCheck.FORWARDED_BY));
                if (a.forwardedTo() != null) ex.getResponseHeaders().set(LeaderCheck.FORWARDED_TO, a.forwardedTo());
                json(ex, a.status(), a.body());
                return;
            }
            post(ex, path, body);
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            methodNotAllowed(ex, "GET");
            return;
        }
        Optional<DashboardFiles.File> file = files.find(path);
        if (file.isPresent()) {
            // The page itself holds no data: the API calls it makes are what access protects.
            send(ex, 200, file.get().contentType(), file.get().bytes(), true);
            return;
        }
        Optional<Access.Denial> denied = access.read(ex.getRemoteAddress().getAddress(),
                ex.getRequestHeaders().getFirst("Host"), ex.getRequestHeaders().getFirst("Authorization"));
        if (denied.isPresent()) {
            deny(ex, denied.get());
            return;
        }
        switch (path) {
            case "/api/status" -> {
                var sample = sampler.latest();
                if (sample.isEmpty()) {
                    ex.getResponseHeaders().set("Retry-After", "1");
                    json(ex, 503, OperatorActions.error("not_ready", "the first status probe has not finished yet"));
                } else {
                    // The same document as `vakt status --json`: warnings and the file sync part from one snapshot;
                    // a pending traffic switch (in the journal, not on the servers) is a warning too.
                    StatusSampler.Sample s = sample.get();
                    JsonNode doc = FileSyncStatusView.withJson(StatusJson.mapper().valueToTree(s.report()), config,
                            s.fileSync(), s.at());
                    if (doc instanceof ObjectNode o) {
                        Optional<Pause> pause = view.pause();
                        List<String> warnings = ApiViews.warnings(s.report().warnings(),
                                view.journal.get().trafficPending(), view.commands, pause, view.primaryReadOnly());
                        o.set("warnings", StatusJson.mapper().valueToTree(warnings));
                        o.set(MaintenanceJson.KEY, StatusJson.mapper().valueToTree(MaintenanceJson.of(pause, view.clock.instant())));
                        coordination.get().ifPresent(c -> o.set("coordination", StatusJson.mapper().valueToTree(c.json())));
                        // As vakt status --json: the last warmup refresh from the journal, null before one.
                        o.set("warmup", StatusJson.mapper().valueToTree(view.journal.get().lastWarmth().orElse(null)));
                        o.set("backup", StatusJson.mapper().valueToTree(view.backup().map(no.vakt.backup.BackupView::json).orElse(null)));
                    }
                    send(ex, 200, "application/json", StatusJson.mapper().writeValueAsBytes(doc), false);
                }
            }
            case "/api/metrics-summary" -> {
                Map<String, Object> summary = ApiViews.summary(view, access.tokenConfigured());
                coordination.get().ifPresent(c -> summary.put("coordination", c.json()));
                json(ex, 200, summary);
            }
            case "/api/lag" -> {
                Integer minutes = intParam(ex.getRequestURI(), "minutes", 15, 1, 15);
                if (minutes == null) {
                    json(ex, 400, OperatorActions.error("bad_request", "minutes: expected a whole number from 1 to 15"));
                } else {
                    json(ex, 200, ApiViews.lag(view, minutes));
                }
            }
            case "/api/history" -> {
                Integer limit = intParam(ex.getRequestURI(), "limit", 50, 1, 1000);
                if (limit == null) {
                    json(ex, 400, OperatorActions.error("bad_request", "limit: expected a whole number from 1 to 1000"));
                } else {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("current_epoch", journal.currentEpoch());
                    doc.put("failovers", HistoryJson.failovers(journal.failovers(limit)));
                    doc.put("events", journal.history(limit));
                    json(ex, 200, doc);
                }
            }
            case "/api/drills" -> json(ex, 200, ApiViews.drills(view));
            case "/metrics" -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.scrape().getBytes(StandardCharsets.UTF_8), false);
            default -> json(ex, 404, OperatorActions.error("not_found", "no such endpoint: " + path));
        }
    }

    private void post(HttpExchange ex, String path, JsonNode body) throws IOException {
        String client = ex.getRemoteAddress().getAddress().getHostAddress();
        ActionResult r;
        switch (path) {
            case "/api/approve-failover" -> r = actions.approveFailover(client);
            case "/api/switchover" -> {
                Duration timeout;
                try {
                    timeout = Durations.parse(body.path("timeout").asText("10s"));
                    if (timeout.isZero()) throw new IllegalArgumentException("expected a positive duration");
                } catch (IllegalArgumentException e) {
                    json(ex, 400, OperatorActions.error("bad_request", "timeout: " + e.getMessage()));
                    return;
                }
                r = actions.switchover(timeout, body.path("dry_run").asBoolean(false), client);
            }
            case "/api/traffic/apply" -> {
                String node = body.hasNonNull("node") ? body.get("node").asText() : null;
                if (node != null && config.node(node).isEmpty()) {
                    json(ex, 400, OperatorActions.error("bad_request", "node: no node named '" + node + "' in the config"));
                    return;
                }
                r = actions.applyTraffic(node, client);
            }
            // What the CLI's promote and rejoin hand over while this daemon holds the cluster (ClusterLock).
            case "/api/promote" -> r = actions.promote(body.path("force").asBoolean(false), client);
            case "/api/rejoin" -> {
                Optional<no.vakt.config.Node> node = config.node(body.path("node").asText(""));
                Duration wait;
                try {
                    wait = Durations.parse(body.path("wait").asText("30s"));
                    if (wait.isZero()) throw new IllegalArgumentException("expected a positive duration");
                } catch (IllegalArgumentException e) {
                    json(ex, 400, OperatorActions.error("bad_request", "wait: " + e.getMessage()));
                    return;
                }
                if (node.isEmpty() || errantDir == null) {
                    json(ex, node.isEmpty() ? 400 : 503, OperatorActions.error(node.isEmpty() ? "bad_request" : "unavailable",
                            node.isEmpty() ? "node: expected a node of the config" : "this server cannot rejoin"));
                    return;
                }
                r = actions.rejoin(node.get(), body.path("discard_errant").asBoolean(false), wait, errantDir, client);
            }
            case "/api/pause" -> r = maintenanceActions.pause(body, client);
            case "/api/resume" -> r = maintenanceActions.resume(body, client);
            default -> throw new AssertionError(path);
        }
        view.journal.invalidate();
        json(ex, r.status(), r.body());
    }

    /**
     * {@code /health/primary}, {@code /health/standby}: unauthenticated (balancers send no token), so the
     * answer is the status line alone: 200 or 503, no body; the reason goes to the debug log.
     */
    private void roleHealth(HttpExchange ex, String path) throws IOException {
        RoleHealth.Wanted wanted = switch (path) {
            case "/health/primary" -> RoleHealth.Wanted.PRIMARY;
            case "/health/standby" -> RoleHealth.Wanted.STANDBY;
            default -> null;
        };
        if (wanted == null) {
            send(ex, 404, "text/plain", new byte[0], false);
            return;
        }
        if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET");
            send(ex, 405, "text/plain", new byte[0], false);
            return;
        }
        String node = serverConfig.node() != null ? serverConfig.node() : stringParam(ex.getRequestURI(), "node");
        if (node == null || config.node(node).isEmpty()) {
            // Which node is "this" is set once (server.node) or named by the check; a wrong name is a config mistake.
            send(ex, 400, "text/plain", new byte[0], false);
            return;
        }
        RoleHealth.Verdict v = RoleHealth.judge(wanted, node, sampler.latest(), view.clock.instant(), view.maxTickAge(),
                config.objectives().rpo());
        LOG.debug("{} for {}: {} ({})", path, node, v.status(), v.why());
        send(ex, v.status(), "text/plain", new byte[0], false);
    }

    /** The query parameter's decoded value, null when absent or empty. */
    static String stringParam(URI uri, String name) {
        String q = uri.getRawQuery();
        if (q == null) return null;
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                String v = java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }

    private static byte[] rawBody(HttpExchange ex) throws IOException {
        byte[] bytes;
        try (InputStream in = ex.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) throw new IllegalArgumentException("the request body is larger than " + MAX_BODY + " bytes");
        return bytes;
    }

    private static JsonNode body(byte[] bytes) {
        if (bytes.length == 0) return JSON.createObjectNode();
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || n.isNull() || n.isMissingNode()) return JSON.createObjectNode();
            if (!n.isObject()) throw new IllegalArgumentException("expected a JSON object");
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the request body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("the request body is not JSON: " + e.getMessage()); // bytes in memory: no I/O
        }
    }

    /** The query parameter as a number within bounds; the default when absent; null when invalid. */
    static Integer intParam(URI uri, String name, int fallback, int min, int max) {
        String q = uri.getRawQuery();
        if (q == null) return fallback;
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            if (!k.equals(name)) continue;
            try {
                int v = Integer.parseInt(eq < 0 ? "" : pair.substring(eq + 1));
                return v < min || v > max ? null : v;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return fallback;
    }

    private void deny(HttpExchange ex, Access.Denial d) throws IOException {
        if (d.status() == 401) ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"vakt\"");
        json(ex, d.status(), OperatorActions.error(d.error(), d.message()));
    }

    private void methodNotAllowed(HttpExchange ex, String allow) throws IOException {
        ex.getResponseHeaders().set("Allow", allow);
        json(ex, 405, OperatorActions.error("method_not_allowed", "use " + allow));
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json", JSON.writeValueAsBytes(body), false);
    }

    private static void send(HttpExchange ex, int status, String type, byte[] bytes, boolean page) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        if (page) {
            // Nothing from elsewhere: no inline script, no CDN, no framing.
            h.set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self';"
                    + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
            h.set("X-Frame-Options", "DENY");
        }
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length == 0 ? -1 : bytes.length);
        if (!head && bytes.length > 0) ex.getResponseBody().write(bytes);
    }

    public static final class Builder {
        private final VaktConfig config;
        private final Journal journal;
        private final Clock clock;
        private ServerConfig serverConfig;
        private FailoverRunner runner;
        private TrafficSwitch traffic = (cluster, node, epoch) -> {
            throw new IllegalStateException("no traffic switch is configured");
        };
        private Supplier<FileSyncBacklog> fileSync;
        private Supplier<Optional<FileSyncSnapshot>> fileSyncStatus = Optional::empty;
        private Supplier<Optional<String>> primaryReadOnly = Optional::empty;
        private Supplier<Optional<no.vakt.backup.BackupView>> backup = Optional::empty;
        private Supplier<Optional<no.vakt.coordination.CoordinatorStatus>> coordination = Optional::empty;
        private Maintenance maintenance;
        private OperatorCommands commands;
        private Duration statusPeriod = STATUS_PERIOD;
        private java.nio.file.Path errantDir;

        private Builder(VaktConfig config, Journal journal, Clock clock) {
            this.config = config;
            this.journal = journal;
            this.clock = clock;
            // Not served by `vakt run` (which sets its coordinator): a local server that holds no authority, so
            // /api/status always says who may act, like `vakt status --json`.
            var idle = new no.vakt.coordination.LocalCoordinator(no.vakt.journal.ClusterLock.hostName(), () -> false, clock);
            this.coordination = () -> Optional.of(idle.status());
        }

        /** Overrides the config's {@code server:} section (tests bind to their own address). */
        public Builder serverConfig(ServerConfig c) {
            this.serverConfig = c;
            return this;
        }

        /**
         * The runner that approve-failover uses; without one, approvals answer 503. Its
         * {@link FailoverRunner#commands()} are the commands the page and the answers name, unless
         * {@link #commands} says otherwise.
         */
        public Builder runner(FailoverRunner r) {
            this.runner = r;
            return this;
        }

        /**
         * The commands the approval panel and the answers tell a person to run (approve, traffic apply),
         * with the daemon's {@code --config}; by default the runner's, bare without a runner.
         */
        public Builder commands(OperatorCommands c) {
            this.commands = c;
            return this;
        }

        public Builder traffic(TrafficSwitch t) {
            this.traffic = t;
            return this;
        }

        /**
         * The running file sync's own status: {@code /api/status}'s {@code file_sync} part and its file sync
         * warnings, as {@code vakt status --json} gives them from the status file.
         */
        /** Who may act ({@code vakt run}'s coordinator): {@code /api/status} shows it under {@code coordination}. */
        /** The daemon's pause (with agents shared through ZooKeeper); default: this journal's. */
        public Builder maintenance(Maintenance m) {
            this.maintenance = m;
            return this;
        }

        public Builder coordination(Supplier<no.vakt.coordination.CoordinatorStatus> s) {
            this.coordination = () -> Optional.of(s.get());
            return this;
        }

        /** The backups: newest base backup and the archive's lag (vakt run with backup:). */
        public Builder backup(Supplier<Optional<no.vakt.backup.BackupView>> s) {
            this.backup = s;
            return this;
        }

        /** The running monitor's word on a read-only primary ({@code Monitor#primaryReadOnlyWarning}). */
        public Builder primaryReadOnly(Supplier<Optional<String>> s) {
            this.primaryReadOnly = s;
            return this;
        }

        public Builder fileSyncStatus(Supplier<Optional<FileSyncSnapshot>> s) {
            this.fileSyncStatus = s;
            return this;
        }

        /** The file sync's backlog report; without one the dashboard says "not configured". */
        public Builder fileSync(Supplier<FileSyncBacklog> s) {
            this.fileSync = s;
            return this;
        }

        public Builder statusPeriod(Duration d) {
            this.statusPeriod = d;
            return this;
        }

        /** Enables {@code POST /api/rejoin}, saving errant transactions under {@code dir}. */
        public Builder errantDir(java.nio.file.Path dir) {
            this.errantDir = dir;
            return this;
        }

        public VaktServer build() {
            return new VaktServer(this);
        }
    }
}
