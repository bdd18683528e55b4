package no.vakt.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import no.vakt.cli.Main;
import no.vakt.lab.LabConfigTemplate;
import no.vakt.lab.LabFiles;
import no.vakt.lab.MariaDbServer;
import no.vakt.lab.Sshd;

/**
 * {@code bench/filesync}: the same workload against Vakt's file sync and against Debian's lsyncd
 * (default.rsyncssh: default delay, delay=1, delay=0), all pushing over ssh to one local sshd. K small
 * files written at a fixed rate, every 10th operation a rename and every 20th a delete of an earlier
 * file. Prints write-to-visible latency (p50/p99/max, target polled every millisecond), the CPU seconds
 * of the syncing processes and of the sshd sessions serving them during the workload (start-up and the
 * initial full sync excluded), whether the trees ended equal, and the ratios Vakt/lsyncd.
 */
public final class FileSyncBench {
    private static final String HOST = "127.0.43.250";
    private static final int FILE_BYTES = 1024;
    /** lsyncd's default delay is 15 s; a run waits at most this long for the last file. */
    private static final long DRAIN_MS = 30_000;
    private static final long TICKS = 100; // USER_HZ on Linux

    record Run(String name, int rate, int files, double p50, double p99, double max, double cpu, boolean equal) {}

    private final Path work;
    private final Path jar;
    private Sshd sshd;

    private FileSyncBench(Path work, Path jar) {
        this.work = work;
        this.jar = jar;
    }

    public static void main(String[] args) throws Exception {
        // The product's jar, not this class's test-classes: the child JVM runs vakt alone.
        Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path work = Files.createTempDirectory("vakt-bench-filesync");
        FileSyncBench b = new FileSyncBench(work, jar);
        List<Run> runs = new ArrayList<>();
        // Interrupted (Ctrl-C, kill): the finally below does not run, so stop what this run started.
        Thread cleanup = new Thread(() -> {
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
            if (b.sshd != null) b.sshd.stop();
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            int port;
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(HOST, 0));
                port = s.getLocalPort();
            }
            b.sshd = new Sshd(work.resolve("ssh"), List.of(HOST), port);
            boolean vaktOnly = Arrays.asList(args).contains("--vakt-only");
            int burst = Arrays.asList(args).indexOf("--burst");
            if (burst >= 0) {
                b.burst(burst + 1 < args.length ? Integer.parseInt(args[burst + 1]) : 50_000);
                return;
            }
            for (int rate : new int[] {200, 1000}) {
                int files = rate == 200 ? 400 : 1000;
                runs.add(b.run("vakt", null, rate, files));
                if (vaktOnly) continue;
                if (rate == 200) runs.add(b.run("lsyncd default (15s)", -1, rate, files));
                runs.add(b.run("lsyncd delay=1", 1, rate, files));
                runs.add(b.run("lsyncd delay=0", 0, rate, files));
            }
        } finally {
            if (b.sshd != null) b.sshd.stop();
            MariaDbServer.deleteTree(work);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        print(runs);
    }

    private Run run(String name, Integer lsyncdDelay, int rate, int count) throws Exception {
        Path src = Files.createDirectories(work.resolve("run-" + System.nanoTime()).resolve("src"));
        Path dst = Files.createDirectories(src.resolveSibling("dst"));
        for (int d = 0; d < 10; d++) Files.createDirectories(src.resolve("d" + d));
        Files.writeString(src.resolve("ready"), "ready");
        sshd.stop();
        long sshdPid = sshd.start();
        Process p = lsyncdDelay == null ? startVakt(src, dst) : startLsyncd(src, dst, lsyncdDelay);
        try {
            if (!await(() -> Files.exists(dst.resolve("ready")), 60_000)) throw new IOException(name + " did not start");
            // A second file goes the live way (Vakt: through the receiver, whose JVM has started by then):
            // the runs measure the steady state, not the start-up.
            Files.writeString(src.resolve("ready-live"), "ready");
            if (!await(() -> Files.exists(dst.resolve("ready-live")), 60_000)) throw new IOException(name + " is not live");
            Thread.sleep(500); // let both settle before the CPU baseline
            long cpu0 = cpu(p.pid()) + cpu(sshdPid);
            double[] lat = workload(src, dst, rate, count);
            boolean equal = await(() -> listing(src).equals(listing(dst)), 30_000);
            long cpu1 = cpu(p.pid()) + cpu(sshdPid);
            Arrays.sort(lat);
            Run r = new Run(name, rate, count, pct(lat, 50), pct(lat, 99), lat[lat.length - 1],
                    (cpu1 - cpu0) / (double) TICKS, equal);
            System.err.printf(Locale.ROOT, "%-22s %5d/s  p50 %7.0f ms  p99 %7.0f ms  max %7.0f ms  cpu %5.2f s  equal %s%n",
                    r.name, r.rate, r.p50, r.p99, r.max, r.cpu, r.equal);
            return r;
        } finally {
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly();
            Path log = src.resolveSibling("vakt.log");
            if (Files.exists(log)) {
                // What the sync itself reported (reconciles after overflows, failures) explains outliers.
                Files.readAllLines(log).stream().filter(l -> l.startsWith("file sync"))
                        .forEach(l -> System.err.println("  " + l));
            }
        }
    }

    /**
     * {@code --burst N} (default 50,000): N files written as fast as possible into one directory, which
     * overflows the watcher's event queue; prints how long until the target has every file, and whether
     * the reconcile after the overflow ran (it is what brings the files the lost events named).
     */
    private void burst(int n) throws Exception {
        Path src = Files.createDirectories(work.resolve("burst-" + System.nanoTime()).resolve("src"));
        Path dst = Files.createDirectories(src.resolveSibling("dst"));
        Files.writeString(src.resolve("ready"), "ready");
        sshd.stop();
        sshd.start();
        Process p = startVakt(src, dst);
        try {
            if (!await(() -> Files.exists(dst.resolve("ready")), 60_000)) throw new IOException("vakt did not start");
            Files.writeString(src.resolve("ready-live"), "ready");
            if (!await(() -> Files.exists(dst.resolve("ready-live")), 60_000)) throw new IOException("vakt is not live");
            Path dir = Files.createDirectories(src.resolve("burst"));
            byte[] body = new byte[FILE_BYTES];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) Files.write(dir.resolve("f" + i), body);
            double written = (System.nanoTime() - t0) / 1e9;
            boolean equal = false;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (!equal && System.nanoTime() < deadline) {
                Thread.sleep(1000); // a walk of the whole tree is not free: once a second
                equal = listing(src).equals(listing(dst));
            }
            double synced = (System.nanoTime() - t0) / 1e9;
            List<String> log = Files.readAllLines(src.resolveSibling("vakt.log"));
            boolean overflowed = log.stream().anyMatch(l -> l.contains("overflow") || l.contains("changes pending"));
            log.stream().filter(l -> l.contains("reconcile") || l.contains("overflow")).forEach(l -> System.err.println("  " + l));
            System.out.printf(Locale.ROOT, "| burst | files | written s | all on target | after s | overflow reconciled |%n"
                    + "|---|---:|---:|---|---:|---|%n| vakt | %d | %.1f | %s | %.1f | %s |%n",
                    n, written, equal ? "yes" : "NO", synced, overflowed ? "yes" : "no overflow seen");
        } finally {
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    /** Writes, renames and deletes at {@code rate} per second; returns each write's or rename's ms to visible. */
    private static double[] workload(Path src, Path dst, int rate, int count) throws Exception {
        byte[] body = new byte[FILE_BYTES];
        Arrays.fill(body, (byte) 'x');
        Map<String, Long> pending = new LinkedHashMap<>();
        List<Double> latencies = new ArrayList<>();
        List<String> written = new ArrayList<>();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        int deleted = 0;
        for (int i = 0; i < count; i++) {
            long due = start + i * interval;
            while (System.nanoTime() < due) poll(dst, pending, latencies);
            if (i % 10 == 9 && written.size() > 50) {
                String from = written.remove(0);
                String to = from.replace("/f", "/r");
                Files.move(src.resolve(from), src.resolve(to));
                pending.remove(from);
                pending.put(to, System.nanoTime());
            } else if (i % 20 == 19 && written.size() > 50) {
                String gone = written.remove(0);
                Files.delete(src.resolve(gone));
                pending.remove(gone);
                deleted++;
            } else {
                String rel = "d" + (i % 10) + "/f" + i;
                Files.write(src.resolve(rel), body);
                pending.put(rel, System.nanoTime());
                written.add(rel);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
        while (!pending.isEmpty() && System.nanoTime() < deadline) poll(dst, pending, latencies);
        for (Long t0 : pending.values()) latencies.add((System.nanoTime() - t0) / 1e6); // never arrived: counted as the wait
        return latencies.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** One directory listing per subdirectory per round, not one stat per pending file: the poller stays cheap. */
    private static void poll(Path dst, Map<String, Long> pending, List<Double> latencies) {
        if (pending.isEmpty()) {
            sleep1();
            return;
        }
        long now = System.nanoTime();
        java.util.Set<String> visible = new java.util.HashSet<>();
        java.util.Set<String> dirs = new java.util.HashSet<>();
        for (String rel : pending.keySet()) dirs.add(rel.substring(0, rel.indexOf('/')));
        for (String d : dirs) {
            try (Stream<Path> s = Files.list(dst.resolve(d))) {
                s.forEach(p -> visible.add(d + "/" + p.getFileName()));
            } catch (IOException | java.io.UncheckedIOException notYet) {
                // directory not there yet
            }
        }
        // Both syncs rename complete files into place, so a name that is listed has its full content.
        pending.entrySet().removeIf(e -> {
            if (!visible.contains(e.getKey())) return false;
            latencies.add((now - e.getValue()) / 1e6);
            return true;
        });
        sleep1();
    }

    private static void sleep1() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Process startVakt(Path src, Path dst) throws IOException {
        Path cfg = src.resolveSibling("vakt.yml");
        StringBuilder files = new StringBuilder("files:\n  directories:\n");
        files.append("    - path: ").append(LabFiles.quote(src.toString())).append('\n');
        files.append("      target: ").append(LabFiles.quote(dst.toString())).append('\n');
        files.append("  ssh:\n    user: ").append(System.getProperty("user.name")).append('\n');
        files.append("    identity-file: ").append(LabFiles.quote(sshd.clientKey().toString())).append('\n');
        files.append("    port: ").append(sshd.port()).append('\n');
        files.append("    known-hosts-file: ").append(LabFiles.quote(sshd.knownHosts().toString())).append('\n');
        files.append("  receiver: [");
        List<String> cmd = LabFiles.localReceiverCommand();
        for (int i = 0; i < cmd.size(); i++) files.append(i == 0 ? "" : ", ").append(LabFiles.quote(cmd.get(i)));
        files.append("]\n");
        Files.writeString(cfg, new LabConfigTemplate("bench", HOST, 3306, HOST, 3307, "vakt", Path.of("admin.pw"), "repl",
                Path.of("repl.pw"), List.of("shop"), "manual", null, false, "127.0.0.1").render(files.toString()));
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", jar.toString(),
                "no.vakt.cli.Main", "sync", "--watch", "--config", cfg.toString())
                .redirectOutput(src.resolveSibling("vakt.log").toFile()).redirectErrorStream(true).start();
    }

    private Process startLsyncd(Path src, Path dst, int delay) throws IOException {
        Path cfg = src.resolveSibling("lsyncd.lua");
        String lua = "settings { nodaemon = true, logfile = \"" + src.resolveSibling("lsyncd.log") + "\", insist = true }\n"
                + "sync {\n  default.rsyncssh,\n  source = \"" + src + "\",\n  host = \"" + HOST + "\",\n"
                + "  targetdir = \"" + dst + "\",\n" + (delay >= 0 ? "  delay = " + delay + ",\n" : "")
                + "  ssh = { port = " + sshd.port() + ", identityFile = \"" + sshd.clientKey() + "\",\n"
                + "    options = { BatchMode = \"yes\", UserKnownHostsFile = \"" + sshd.knownHosts() + "\","
                + " StrictHostKeyChecking = \"yes\" } },\n}\n";
        Files.writeString(cfg, lua);
        return new ProcessBuilder("lsyncd", cfg.toString()).redirectOutput(src.resolveSibling("lsyncd.out").toFile())
                .redirectErrorStream(true).start();
    }

    /** CPU ticks of a process, its reaped children and its live descendants. */
    private static long cpu(long pid) {
        long total = ticks(pid);
        for (ProcessHandle h : ProcessHandle.of(pid).map(ph -> ph.descendants().toList()).orElse(List.of())) total += ticks(h.pid());
        return total;
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException | RuntimeException e) {
            return 0; // exited meanwhile: its parent's cutime has it
        }
    }

    private static List<String> listing(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of("unreadable");
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static boolean await(Check c, long ms) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() < deadline) {
            if (c.ok()) return true;
            Thread.sleep(20);
        }
        return c.ok();
    }

    private static double pct(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static void print(List<Run> runs) {
        System.out.println("| sync | rate | files | p50 ms | p99 ms | max ms | CPU s | trees equal |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
        for (Run r : runs) {
            System.out.printf(Locale.ROOT, "| %s | %d/s | %d | %.0f | %.0f | %.0f | %.2f | %s |%n", r.name, r.rate, r.files,
                    r.p50, r.p99, r.max, r.cpu, r.equal ? "yes" : "NO");
        }
        System.out.println();
        for (Run v : runs) {
            if (!v.name.equals("vakt")) continue;
            for (Run l : runs) {
                if (l.rate != v.rate || l.name.equals("vakt")) continue;
                System.out.printf(Locale.ROOT, "- %d/s, Vakt / %s: p99 %.2f, CPU %.2f%n", v.rate, l.name,
                        v.p99 / l.p99, l.cpu == 0 ? Double.NaN : v.cpu / l.cpu);
            }
            String goal = v.rate == 200 ? "250" : "500";
            System.out.printf(Locale.ROOT, "- %d/s goal: Vakt p99 %.0f ms < %s ms: %s%n", v.rate, v.p99, goal,
                    v.p99 < Double.parseDouble(goal) ? "met" : "NOT met");
        }
    }
}
