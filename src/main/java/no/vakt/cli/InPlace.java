package no.vakt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import no.vakt.backup.BackupFailedException;
import no.vakt.backup.InPlaceRestore;
import no.vakt.backup.Manifest;
import no.vakt.backup.Restore;
import no.vakt.backup.RestoreTarget;
import no.vakt.backup.ScratchServer;
import no.vakt.cluster.Sleeper;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;

/** {@code vakt restore --in-place NODE --datadir DIR --yes-replace-data}: refusals, then {@link InPlaceRestore}, journaled. */
final class InPlace {
    private InPlace() {}

    static int run(RestoreCommand c, VaktConfig cfg, Restore restore, Manifest base, RestoreTarget to, PrintWriter out) throws Exception {
        if (c.into != null || c.newHost) throw new UsageException("--in-place restores into NODE's --datadir: not with --into or --new-host");
        if (c.datadir == null) throw new UsageException("--in-place needs --datadir DIR, the node's data directory");
        Node node = cfg.node(c.inPlace).orElseThrow(() -> new UsageException("no node " + c.inPlace + " in the config"));
        Optional<String> refused = InPlaceRestore.refusal(BackupSetup.inspector(cfg).inspect(node));
        if (refused.isPresent()) {
            out.println("restore: refused: " + refused.get());
            return ExitCodes.FAILED;
        }
        if (!c.replaceConfirmed) {
            throw new UsageException("--in-place replaces " + node.name() + "'s data in " + c.datadir + " (the old data is kept beside it):"
                    + " add --yes-replace-data");
        }
        Clock clock = Clock.systemUTC();
        InPlaceRestore place = new InPlaceRestore(c.datadir, clock);
        try (Journal journal = new Journal(c.config.journal(), clock)) {
            try {
                InPlaceRestore.Step step = place.begin();
                journal(journal, cfg, node, "restore in place of " + node.name() + ": " + step.name().toLowerCase().replace('_', ' '),
                        Map.of("datadir", c.datadir.toAbsolutePath().toString(), "backup_id", base.id()));
                String position = "as the earlier run restored it";
                if (step == InPlaceRestore.Step.RESTORE || step == InPlaceRestore.Step.RESTART_RESTORE) {
                    String archive = c.archiveNode != null ? c.archiveNode : restore.archiveNodeFor(base);
                    Restore.Outcome o = restore.run(base, archive, to, new ScratchServer(place.staging(), clock, Sleeper.REAL));
                    o.leftOut().ifPresent(cut -> out.println("restore: stopped before transaction " + cut.gtid() + ": " + cut.matched()));
                    position = o.gtidPosition();
                    place.staged();
                }
                Path old = place.swap(line -> out.println("restore: " + line));
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("datadir", c.datadir.toAbsolutePath().toString());
                d.put("old_data", old.toString());
                d.put("backup_id", base.id());
                d.put("gtid_slave_pos", position);
                journal(journal, cfg, node, "restore in place of " + node.name() + " done; old data at " + old, d);
                out.println("restore: " + node.name() + "'s data replaced (gtid_slave_pos " + position + "); start its mariadbd"
                        + " (systemctl start mariadb), then vakt replicate; remove " + old + " when it runs");
                return ExitCodes.OK;
            } catch (BackupFailedException e) {
                journal(journal, cfg, node, "restore in place of " + node.name() + " failed: " + e.getMessage(), Map.of());
                out.println("restore: failed: " + e.getMessage() + " (run the same command again to continue; " + node.name()
                        + "'s data is replaced only by the last step)");
                return ExitCodes.FAILED;
            }
        }
    }

    private static void journal(Journal journal, VaktConfig cfg, Node node, String summary, Map<String, ?> details) {
        journal.append(EventKind.OPERATOR_ACTION, cfg.cluster(), node.name(), summary, details);
    }
}
