package no.vakt.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine;

/**
 * {@code bench/service}: what a steady {@code vakt run} costs the host, as the systemd unit runs it: the JVM
 * options and environment of /etc/vakt/vakt.env (packaging/deb/vakt.env). Runs {@code vakt run} as a child
 * JVM against a fresh lab for N minutes and samples its RSS and CPU from /proc (through {@link ProcessHandle}).
 */
@Command(name = "bench/service", mixinStandardHelpOptions = true,
        description = "RSS and CPU of a steady `vakt run` over time, with the packaged JVM options")
public final class ServiceBench implements Callable<Integer> {
    private static final long RSS_GOAL_MB = 150;
    private static final double CPU_GOAL_PERCENT = 2.0;
    /** The JVM's start (class loading, JIT) is not the steady state: the first minutes are reported apart. */
    private static final Duration WARM_UP = Duration.ofMinutes(2);

    @Option(names = "--minutes", defaultValue = "10", description = "How long vakt run runs (1..240)")
    int minutes;

    @Option(names = "--every", defaultValue = "10", description = "Seconds between samples (1..600)")
    int every;

    @Option(names = "--java-opts", description = "JVM options (default: VAKT_JAVA_OPTS of packaging/deb/vakt.env)")
    String javaOpts;

    @Option(names = "--jvm-defaults", description = "No JVM options at all (to compare)")
    boolean jvmDefaults;

    @Option(names = "--jar", defaultValue = "target/vakt.jar", description = "The jar to run")
    Path jar;

    @Option(names = "--dir", defaultValue = ".vakt/bench-service", description = "Where the lab lives while it runs")
    Path dir;

    @Option(names = "--oslo-address", defaultValue = "127.0.150.1", description = "The lab's primary (and the dashboard)")
    String oslo;

    @Option(names = "--bergen-address", defaultValue = "127.0.160.1", description = "The lab's standby")
    String bergen;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServiceBench()).execute(args));
    }

    record Sample(Duration at, long rssKb, Duration cpu) {}

    @Override
    public Integer call() throws Exception {
        if (minutes < 1 || minutes > 240) throw new ParameterException(new CommandLine(this), "--minutes: 1..240");
        if (every < 1 || every > 600) throw new ParameterException(new CommandLine(this), "--every: 1..600");
        Map<String, String> unitEnv = packagedEnvironment();
        String packagedOpts = unitEnv.remove("VAKT_JAVA_OPTS");
        List<String> opts = jvmDefaults ? List.of() : splitOptions(javaOpts != null ? javaOpts : packagedOpts);
        try (BenchLab lab = BenchLab.up(dir, oslo, bergen)) {
            Path cfg = lab.layout().configFile();
            if (BenchLab.vakt("replicate", "--config", cfg.toString()) != 0) throw new IllegalStateException("replicate failed");
            String yml = Files.readString(cfg);
            // The dashboard counts too, on the lab's address: away from one on 127.0.0.1:8787 (the lab's own).
            String listen = "listen: " + oslo + ":8787";
            Files.writeString(cfg, yml.contains("listen: 127.0.0.1:8787") ? yml.replace("listen: 127.0.0.1:8787", listen)
                    : yml + "\nserver:\n  " + listen + "\n");
            List<String> argv = new ArrayList<>(List.of(javaBin()));
            argv.addAll(opts);
            argv.addAll(List.of("-jar", jar.toString(), "run", "--config", cfg.toString()));
            System.out.printf(Locale.ROOT, "bench/service: vakt run for %d min, sampled every %d s%nJVM options: %s%n"
                    + "environment (vakt.env): %s%n", minutes, every,
                    opts.isEmpty() ? "(JVM defaults)" : String.join(" ", opts), unitEnv);
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("vakt-run.log").toFile());
            pb.environment().putAll(unitEnv);
            Process run = pb.start();
            try {
                report(sample(run.toHandle(), Duration.ofMinutes(minutes), Duration.ofSeconds(every)));
            } finally {
                run.destroy(); // SIGTERM, as systemctl stop
                if (!run.waitFor(60, TimeUnit.SECONDS)) run.destroyForcibly();
            }
        }
        return 0;
    }

    private static List<Sample> sample(ProcessHandle p, Duration length, Duration every) throws Exception {
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        System.out.printf(Locale.ROOT, "%8s %8s %12s %10s%n", "time", "RSS MB", "CPU interval", "CPU total");
        Sample previous = new Sample(Duration.ZERO, 0, Duration.ZERO);
        for (int i = 1; i <= length.dividedBy(every); i++) {
            long wait = start + every.multipliedBy(i).toNanos() - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            if (!p.isAlive()) throw new IllegalStateException("vakt run exited; see its log in the bench dir");
            Sample s = new Sample(Duration.ofNanos(System.nanoTime() - start), rssKb(p.pid()),
                    p.info().totalCpuDuration().orElse(Duration.ZERO));
            samples.add(s);
            System.out.printf(Locale.ROOT, "%7ds %8.1f %11.2f%% %9.2f%%%n", s.at().toSeconds(), s.rssKb() / 1024.0,
                    percent(s.cpu().minus(previous.cpu()), s.at().minus(previous.at())), percent(s.cpu(), s.at()));
            previous = s;
        }
        return samples;
    }

    private static void report(List<Sample> samples) {
        Sample last = samples.get(samples.size() - 1);
        Sample firstMinute = samples.stream().filter(s -> s.at().compareTo(Duration.ofMinutes(1)) >= 0).findFirst().orElse(last);
        Sample warm = samples.stream().filter(s -> s.at().compareTo(WARM_UP) >= 0).findFirst().orElse(null);
        System.out.println();
        System.out.printf(Locale.ROOT, "first minute: CPU %.2f%% of a core%n", percent(firstMinute.cpu(), firstMinute.at()));
        if (warm == null || warm == last) {
            System.out.printf(Locale.ROOT, "steady state: run longer than %d min to measure it%n", WARM_UP.toMinutes() + 1);
            return;
        }
        double steadyCpu = percent(last.cpu().minus(warm.cpu()), last.at().minus(warm.at()));
        long maxRssKb = samples.stream().filter(s -> s.at().compareTo(WARM_UP) >= 0).mapToLong(Sample::rssKb).max().orElse(0);
        System.out.printf(Locale.ROOT, "steady (after %d min): CPU %.2f%% of a core, RSS max %.1f MB, last %.1f MB%n",
                WARM_UP.toMinutes(), steadyCpu, maxRssKb / 1024.0, last.rssKb() / 1024.0);
        System.out.printf(Locale.ROOT, "goal: RSS under %d MB: %s; CPU under %.0f%% of a core: %s%n", RSS_GOAL_MB,
                maxRssKb / 1024.0 < RSS_GOAL_MB ? "MET" : "NOT MET", CPU_GOAL_PERCENT,
                steadyCpu < CPU_GOAL_PERCENT ? "MET" : "NOT MET");
    }

    private static double percent(Duration cpu, Duration wall) {
        return wall.isZero() ? 0 : 100.0 * cpu.toNanos() / wall.toNanos();
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    /** The variables of packaging/deb/vakt.env (/etc/vakt/vakt.env): what the units run with. */
    static Map<String, String> packagedEnvironment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("packaging/deb/vakt.env"))) {
            int eq = line.indexOf('=');
            if (line.isBlank() || line.startsWith("#") || eq < 1) continue;
            env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        if (!env.containsKey("VAKT_JAVA_OPTS")) throw new IllegalStateException("packaging/deb/vakt.env: no VAKT_JAVA_OPTS");
        return env;
    }

    private static List<String> splitOptions(String options) {
        return Arrays.stream(options.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
