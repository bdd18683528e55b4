package no.vakt.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import no.vakt.filesync.StatusFile;
import no.vakt.lab.LabSite;
import no.vakt.testing.Cli;

/** Rows whose fault is on Vakt's own side: a second monitor, a CLI switchover beside it, failing providers. */
final class VaktRows {
    private VaktRows() {}

    /** A second `vakt run` on the same config while one runs, then kill -9 of the primary. */
    static final class SecondMonitor extends PrimaryKilled {
        @Override
        public String id() {
            return "second-vakt-run";
        }

        @Override
        public String fault() {
            return "a second `vakt run` on the same config, then kill -9 of the primary";
        }

        @Override
        public String expected() {
            return "the second refuses and names the holder; one failover";
        }

        @Override
        public void beforeFault(FaultLab lab, LabSite primary, LabSite standby) throws Exception {
            Path log = lab.dir().resolve("second-run.log");
            Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "no.vakt.cli.Main", "run", "--config",
                    lab.config().toString())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            // A refusal comes within the JVM's start and one lock attempt: 20 s is generous on a loaded machine.
            stayed = !p.waitFor(20, TimeUnit.SECONDS);
            if (stayed) {
                p.destroyForcibly();
                seen = "second vakt run still running after 20 s: " + lastLine(Files.readString(log));
            } else {
                seen = "second vakt run exited " + p.exitValue() + ": " + lastLine(Files.readString(log));
            }
        }

        private String seen = "";
        private boolean stayed;

        @Override
        public void verify(FaultLab lab, Application app, List<String> violations, RowRunner.Notes notes) {
            if (stayed) violations.add("a second vakt run ran beside the first");
        }

        @Override
        public void afterInject(FaultLab lab, RowRunner.Notes notes) {
            notes.add(seen);
        }

    }

    /** `vakt switchover` from the CLI while `vakt run` runs. */
    static final class SwitchoverDuringRun implements FaultRow {
        private Cli result;

        @Override
        public String id() {
            return "switchover-during-run";
        }

        @Override
        public String fault() {
            return "`vakt switchover` from the CLI while `vakt run` runs";
        }

        @Override
        public String expected() {
            return "roles swapped once, through the running monitor; nothing lost";
        }

        @Override
        public boolean failoverExpected() {
            return true;
        }

        @Override
        public boolean rejoinAfter() {
            return false;
        }

        @Override
        public void inject(FaultLab lab, LabSite primary) {
            result = Cli.run("switchover", "--config", lab.config().toString());
        }

        @Override
        public void afterInject(FaultLab lab, RowRunner.Notes notes) {
            notes.add("switchover exit " + result.exitCode() + ": " + lastLine(result.out() + result.err()));
        }

        @Override
        public void remove(FaultLab lab, LabSite primary) {}

        /**
         * Uploads are counted only once vakt run's file sync has turned (its status names the new source and
         * the new direction's first reconcile ran) and more uploads went to the new primary's site: else the
         * row could end before the hand-over it is meant to test (uploads lost there went uncounted).
         */
        @Override
        public void verify(FaultLab lab, Application app, List<String> violations, RowRunner.Notes notes) {
            String source = RowRunner.node(lab, lab.writableSite().orElseThrow());
            Path status = StatusFile.forConfig(lab.config());
            boolean turned = RowRunner.await(Duration.ofSeconds(20), () -> StatusFile.read(status).map(s -> source.equals(s.source())
                    && !s.directories().isEmpty() && s.directories().stream().allMatch(d -> d.lastReconcile() != null)).orElse(false));
            if (!turned) violations.add("file sync did not turn to " + source + " within 20 s");
            int before = app.uploads().size();
            RowRunner.await(Duration.ofSeconds(10), () -> app.uploads().size() >= before + 10);
            RowRunner.await(Duration.ofSeconds(20), () -> app.uploadsMissing() == 0);
        }
    }

    /**
     * kill -9 of the primary with a second traffic entry (PowerDNS API) or an alert webhook that fails: the
     * failover must still complete and raise the epoch; a failed DNS entry leaves traffic pending.
     */
    static final class FailingProvider extends PrimaryKilled {
        private final String id;
        private final int status;
        private final boolean webhook;
        private static final String KEY_FILE = "secrets/fault-api.key";
        private FaultHttp http;

        FailingProvider(String id, int status, boolean webhook) {
            this.id = id;
            this.status = status;
            this.webhook = webhook;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String fault() {
            String what = status == 0 ? "sends headers, then stalls the body" : "answers " + status;
            return (webhook ? "alert webhook " : "DNS API (PowerDNS) ") + what + "; kill -9 of the primary";
        }

        @Override
        public String expected() {
            return webhook ? "failover completes; the alert is retried, never blocks it"
                    : "failover completes, traffic pending (alerted, retried); epoch raised";
        }

        @Override
        public UnaryOperator<String> configEdit() {
            return yaml -> {
                try {
                    http = new FaultHttp(status);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                if (webhook) {
                    return replaceOnce(yaml, "alerts: []\n", "alerts:\n  channels:\n    - type: webhook\n      name: stalled\n"
                            + "      url: " + http.url() + "/hook\n      secret-file: " + KEY_FILE + "\n");
                }
                // After the lab's rfc2136 entry, so the service name moves first and the load measures the rest.
                String entry = "  - type: powerdns\n    api-url: " + http.url() + "\n    server-id: localhost\n"
                        + "    api-key-file: " + KEY_FILE + "\n    zone: lab.vakt.test.\n    record: app2\n    ttl: 5s\n"
                        + "    nameservers: [127.0.0.1:9]\n    verify-zone-ns: false\n    timeout: 2s\n";
                return replaceOnce(yaml, "alerts: []\n", entry + "alerts: []\n");
            };
        }

        @Override
        public void prepare(FaultLab lab) throws IOException {
            Path key = lab.dir().resolve(KEY_FILE);
            Files.writeString(key, "not-a-real-key\n");
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }

        @Override
        public void verify(FaultLab lab, Application app, List<String> violations, RowRunner.Notes notes) {
            notes.add("the faulty API got " + (http == null ? 0 : http.requests()) + " requests");
        }

        @Override
        public void cleanup(FaultLab lab) {
            if (http != null) http.close();
        }
    }

    static String replaceOnce(String yaml, String what, String with) {
        if (!yaml.contains(what)) throw new IllegalStateException("the lab's config has no '" + what.strip() + "'");
        return yaml.replace(what, with);
    }

    static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }

}
