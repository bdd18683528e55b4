package no.vakt.bench;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import no.vakt.cli.Main;
import no.vakt.lab.LabLayout;

/**
 * A benchmark's own lab: started fresh on addresses away from a lab the operator may run on the defaults,
 * and purged on close (also when it did not come up), so no run leaves servers behind.
 */
final class BenchLab implements AutoCloseable {
    private final Path dir;

    private BenchLab(Path dir) {
        this.dir = dir;
    }

    /** Purges whatever an earlier run left in {@code dir}, then brings up a lab there; quiet. */
    static BenchLab up(Path dir, String osloAddress, String bergenAddress, String... more) {
        BenchLab lab = new BenchLab(dir);
        lab.close();
        List<String> args = new ArrayList<>(List.of("lab", "up", "--dir", dir.toString(), "--no-hints", "--oslo-address", osloAddress,
                "--bergen-address", bergenAddress));
        args.addAll(List.of(more));
        int code = vakt(args.toArray(String[]::new));
        if (code != 0) {
            lab.close();
            throw new IllegalStateException("lab up failed (exit " + code + ")");
        }
        return lab;
    }

    LabLayout layout() {
        return new LabLayout(dir);
    }

    @Override
    public void close() {
        vakt("lab", "down", "--dir", dir.toString(), "--purge");
    }

    /** Runs a vakt command with its output dropped; its exit code. */
    static int vakt(String... args) {
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(Writer.nullWriter()));
        return cl.execute(args);
    }

    /** Nearest-rank percentile. */
    static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
