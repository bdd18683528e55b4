package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.vakt.cluster.Sleeper;
import no.vakt.config.BackupConfig;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.testing.Cli;
import no.vakt.testing.Loopback;
import no.vakt.testing.TestPair;

/** A real pair (nothing replicating) and a local repository: what the backup tests share. */
final class BackupLab implements AutoCloseable {
    final TestPair pair;
    final VaktConfig config;
    final LocalRepository repository;
    final BackupConfig backup;

    BackupLab(String primaryHost, String standbyHost) throws Exception {
        this(primaryHost, standbyHost, null);
    }

    /** @param section the backup: section's lines after {@code backup:}; null: a local repository in the pair's directory */
    BackupLab(String primaryHost, String standbyHost, String section) throws Exception {
        pair = TestPair.builder().hosts(primaryHost, standbyHost).start();
        repository = new LocalRepository(pair.dir.resolve("repo"));
        String lines = section != null ? section : "  repository: {path: " + repository.root() + ", country: NO}\n";
        pair.rewriteConfig(t -> t + "backup:\n" + lines + "  timeout: 60s\n");
        config = pair.config();
        backup = config.backup();
    }

    BackupSource.Choice source() {
        NodeInspector inspector = new NodeInspector(Duration.ofSeconds(5));
        return BackupSource.choose(inspector.inspect(config.primary()), inspector.inspect(config.standby())).orElseThrow();
    }

    Manifest take() throws Exception {
        BackupSource.Choice c = source();
        return new BaseBackup(backup, repository, Clock.systemUTC()).take(c, c.state().node().mysql().secret().resolve());
    }

    Path scratch() {
        return pair.dir;
    }

    /** {@code vakt restore --into DIR} onto a free port of {@code host}, with {@code target}'s options. */
    Restored restore(String host, String dir, String... target) {
        Path into = pair.dir.resolve(dir);
        List<String> args = new ArrayList<>(List.of("restore", "-c", pair.configFile.toString(), "--into", into.toString(),
                "--host", host, "--port", Integer.toString(Loopback.freePort(host))));
        args.addAll(List.of(target));
        return new Restored(Cli.run(args.toArray(String[]::new)), new ScratchServer(into, Clock.systemUTC(), Sleeper.REAL));
    }

    /** A restore's outcome and its server, which {@link #rows} reads and then stops. */
    record Restored(Cli cli, ScratchServer server) {
        List<String> rows(String query) throws Exception {
            List<String> out = new ArrayList<>();
            try {
                assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
                try (Connection c = server.connect(); ResultSet r = c.createStatement().executeQuery(query)) {
                    while (r.next()) out.add(r.getString(1));
                }
            } finally {
                server.stop(Duration.ofSeconds(30));
            }
            return out;
        }
    }

    @Override
    public void close() throws Exception {
        pair.close();
    }
}
