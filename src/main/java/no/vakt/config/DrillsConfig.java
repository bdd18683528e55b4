package no.vakt.config;

import java.time.Duration;
import no.vakt.cluster.HostPort;

/**
 * The config's {@code drills:} section.
 *
 * <pre>
 * drills:
 *   service: {name: app.lab.vakt.test, dns-server: 127.0.0.1:5353, port: 3306}
 *   schedule: "0 3 * * SUN"      # vakt run starts a drill then (never on production unless allow-production)
 *   fault: kill-db               # the scheduled drill's fault
 *   write-rate: 20               # rows per second the load writer inserts
 *   timeout: 60s                 # how long a drill waits for the failover and the first write after it
 *   allow-production: false
 *   load-source-address: 10.246.1.3  # the load's own address (the lab with --netns writes it)
 *   restore-schedule: "0 4 * * SAT"   # vakt run starts a restore drill then (vakt drill --restore)
 *   warm-window: 60s             # how long after the promotion "time to warm" is watched, at most
 * </pre>
 *
 * @param service the name the application connects to; absent: the load goes to the live primary
 * @param loadSourceAddress the local address the load connects from, so partition-monitor, which cuts
 *     the monitor's address only, leaves the "application" connected; absent: the system picks
 * @param warmWindow how long the drill watches the service's reads after the promotion for "time to warm"
 */
public record DrillsConfig(
        ServiceConfig service,
        String schedule,
        String fault,
        Integer writeRate,
        Duration timeout,
        Boolean allowProduction,
        String loadSourceAddress,
        String restoreSchedule,
        Duration warmWindow) {
    public static final DrillsConfig NONE = new DrillsConfig(null, null, null, null, null, null, null, null, null);

    public DrillsConfig {
        fault = fault != null ? fault : FaultKind.KILL_DB.label();
        FaultKind.parse(fault); // an unknown kind is a config error, named by its field
        writeRate = writeRate != null ? writeRate : 20;
        // One row per 10 ms at most: the writer is a probe, not a load test.
        if (writeRate < 1 || writeRate > 100) {
            throw new IllegalArgumentException("write-rate: expected rows per second from 1 to 100; got " + writeRate);
        }
        timeout = timeout != null ? timeout : Duration.ofSeconds(60);
        if (timeout.isZero() || timeout.isNegative()) throw new IllegalArgumentException("timeout: expected a positive duration");
        allowProduction = allowProduction != null && allowProduction;
        warmWindow = warmWindow != null ? warmWindow : Duration.ofSeconds(60);
        if (warmWindow.isZero() || warmWindow.isNegative()) throw new IllegalArgumentException("warm-window: expected a positive duration");
        if (schedule != null) CronSchedule.parse(schedule); // fails with what is wrong in the expression
        if (restoreSchedule != null) CronSchedule.parse(restoreSchedule);
    }

    /**
     * @param dnsServer host:port of the DNS server to ask (the application's resolver); absent: the system resolver
     * @param port the database port behind the name
     */
    public record ServiceConfig(String name, String dnsServer, Integer port) {
        public ServiceConfig {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("name: expected the service's DNS name");
            port = port != null ? port : 3306;
            if (port < 1 || port > 65535) throw new IllegalArgumentException("port: expected 1..65535; got " + port);
            if (dnsServer != null) HostPort.parse(dnsServer, 53);
        }
    }
}
