package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import no.vakt.config.ConfigException;
import no.vakt.config.ConfigLoader;
import no.vakt.config.SyncDirectory;
import no.vakt.config.VaktConfig;
import no.vakt.lab.LabConfigTemplate;
import org.junit.jupiter.api.Test;

/**
 * The two ways to write a directory, and the trap of the shorthand: swapping the role: fields without
 * path:/target: moves each path to the other node, which the recorded layout catches. Pure.
 */
class DirectoryLayoutTest {
    private static final Path FILE = Path.of("/etc/vakt/vakt.yml");
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    static String yaml(String files) {
        return new LabConfigTemplate("shop", "127.0.10.1", 3306, "127.0.20.1", 3306, "vakt", Path.of("admin.pw"), "repl",
                Path.of("repl.pw"), List.of("shop"), "manual", null, false, "127.0.0.1").render(files);
    }

    static VaktConfig config(String files) {
        return ConfigLoader.parse(FILE, yaml(files));
    }

    /** The same file with the role: fields swapped, as an operator does after a failover. */
    static String swapRoles(String yaml) {
        return yaml.replace("role: primary", "role: X").replace("role: standby", "role: primary").replace("role: X",
                "role: standby");
    }

    private static final String SHORTHAND = "files:\n  directories:\n"
            + "    - path: /srv/oslo/uploads\n      target: /srv/bergen/uploads\n";

    @Test
    void swappedRolesWithoutPathAndTargetAreRefusedWithTheFix() {
        VaktConfig before = config(SHORTHAND);
        DirectoryLayout.Verdict first = DirectoryLayout.judge(before, DirectoryLayout.Recorded.NONE, FILE.toString(), T0);
        assertThat(first.problems()).containsOnlyNulls();
        DirectoryLayout.Recorded recorded = first.learned();
        assertThat(recorded.directories()).singleElement().satisfies(e -> assertThat(e.paths())
                .containsExactly(Map.entry("oslo-db", "/srv/oslo/uploads"), Map.entry("bergen-db", "/srv/bergen/uploads")));

        VaktConfig swapped = ConfigLoader.parse(FILE, swapRoles(yaml(SHORTHAND)));
        assertThat(swapped.primary().name()).isEqualTo("bergen-db");
        DirectoryLayout.Verdict v = DirectoryLayout.judge(swapped, recorded, FILE.toString(), T0.plusSeconds(60));
        assertThat(v.refuses(0)).isTrue();
        DirectoryLayout.Problem p = v.problems().get(0);
        assertThat(p.what()).contains("files.directories[0] in /etc/vakt/vakt.yml now takes target: /srv/bergen/uploads as"
                        + " oslo-db's and path: /srv/oslo/uploads as bergen-db's directory (path: is the directory of the"
                        + " node configured role: primary, now bergen-db")
                .contains("but file sync recorded {oslo-db: /srv/oslo/uploads, bergen-db: /srv/bergen/uploads} on " + T0);
        assertThat(p.fix()).contains("swap path: and target: in files.directories[0]")
                .contains("paths: {oslo-db: /srv/oslo/uploads, bergen-db: /srv/bergen/uploads}")
                .contains("delete .vakt/filesync-layout.json");
        // The refused directory does not overwrite what was recorded.
        assertThat(v.learned().directories()).isEqualTo(recorded.directories());

        // The fixes: path and target swapped too, or the per-node form.
        VaktConfig fixed = ConfigLoader.parse(FILE, swapRoles(yaml("files:\n  directories:\n"
                + "    - path: /srv/bergen/uploads\n      target: /srv/oslo/uploads\n")));
        assertThat(DirectoryLayout.judge(fixed, recorded, "x", T0).problems()).containsOnlyNulls();
        VaktConfig perNode = ConfigLoader.parse(FILE, swapRoles(yaml("files:\n  directories:\n"
                + "    - paths: {oslo-db: /srv/oslo/uploads, bergen-db: /srv/bergen/uploads}\n")));
        assertThat(DirectoryLayout.judge(perNode, recorded, "x", T0).problems()).containsOnlyNulls();
        assertThat(perNode.files().directories().get(0).on(perNode.primary())).isEqualTo(Path.of("/srv/bergen/uploads"));
    }

    @Test
    void thePerNodeFormIsJudgedTooAndSamePathsNeverConflict() {
        DirectoryLayout.Recorded recorded = DirectoryLayout.judge(config(SHORTHAND), DirectoryLayout.Recorded.NONE, "x", T0)
                .learned();
        VaktConfig wrong = config("files:\n  directories:\n"
                + "    - paths: {oslo-db: /srv/bergen/uploads, bergen-db: /srv/oslo/uploads}\n");
        DirectoryLayout.Verdict v = DirectoryLayout.judge(wrong, recorded, "x", T0);
        assertThat(v.problems().get(0).what()).contains("now takes /srv/bergen/uploads as oslo-db's");
        assertThat(v.problems().get(0).fix()).startsWith("correct paths: to {oslo-db: /srv/oslo/uploads");

        // The same path on both nodes (the usual production layout): swapping roles changes nothing real.
        String same = "files:\n  directories:\n    - path: /var/www/uploads\n      target: /var/www/uploads\n";
        DirectoryLayout.Recorded r = DirectoryLayout.judge(config(same), DirectoryLayout.Recorded.NONE, "x", T0).learned();
        assertThat(DirectoryLayout.judge(ConfigLoader.parse(FILE, swapRoles(yaml(same))), r, "x", T0).problems())
                .containsOnlyNulls();
    }

    @Test
    void newAndMovedDirectoriesAreLearnedAndForeignRecordsKept() {
        DirectoryLayout.Recorded recorded = DirectoryLayout.judge(config(SHORTHAND), DirectoryLayout.Recorded.NONE, "x", T0)
                .learned();
        // The standby's side moved to a new disk, and a second directory was added.
        VaktConfig later = config("files:\n  directories:\n"
                + "    - path: /srv/oslo/uploads\n      target: /mnt/new/uploads\n"
                + "    - path: /srv/oslo/media\n      target: /srv/bergen/media\n");
        DirectoryLayout.Verdict v = DirectoryLayout.judge(later, recorded, "x", T0.plusSeconds(5));
        assertThat(v.problems()).containsOnlyNulls();
        assertThat(v.learned().directories()).extracting(e -> e.paths().get("bergen-db"))
                .containsExactly("/mnt/new/uploads", "/srv/bergen/media");

        // A directory left out of the config for now is still remembered.
        VaktConfig fewer = config("files:\n  directories:\n    - path: /srv/oslo/media\n      target: /srv/bergen/media\n");
        assertThat(DirectoryLayout.judge(fewer, v.learned(), "x", T0).learned().directories()).hasSize(2);
    }

    @Test
    void theConfigNamesEachNodesDirectoryOrUsesTheShorthandNeverBoth() {
        VaktConfig cfg = ConfigLoader.parse(Path.of("/srv/vakt/vakt.yml"), yaml("files:\n  directories:\n"
                + "    - paths:\n        oslo-db: oslo/uploads\n        bergen-db: /srv/bergen/uploads\n"
                + "      require-mount: true\n"));
        SyncDirectory d = cfg.files().directories().get(0);
        assertThat(d.perNode()).isTrue();
        assertThat(d.requireMount()).isTrue();
        assertThat(d.on(cfg.node("oslo-db").orElseThrow())).isEqualTo(Path.of("/srv/vakt/oslo/uploads"));
        assertThat(cfg.files().configDir()).isEqualTo(Path.of("/srv/vakt"));
        assertThat(d.label()).isEqualTo("/srv/vakt/oslo/uploads");

        assertThatThrownBy(() -> config("files:\n  directories:\n    - path: /a\n      target: /b\n"
                + "      paths: {oslo-db: /a, bergen-db: /b}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> config("files:\n  directories:\n    - paths: {oslo-db: /a}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("each of the two nodes");
        assertThatThrownBy(() -> config("files:\n  directories:\n    - path: /a\n      target: /b\n      pth: /c\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("files.directories[0].pth");
        // A node name that is not in the config: refused where it is used, with the nodes there are.
        VaktConfig typo = config("files:\n  directories:\n    - paths: {oslo: /a, bergen-db: /b}\n");
        DirectoryLayout.Verdict v = DirectoryLayout.judge(typo, DirectoryLayout.Recorded.NONE, "x", T0);
        assertThat(v.problems().get(0).what()).contains("paths: names oslo, which is not a node of this config"
                + " (nodes: oslo-db, bergen-db)");
    }
}
