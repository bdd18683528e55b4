package no.vakt.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import no.vakt.config.ConfigException;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.lab.Binaries;
import no.vakt.lab.Lab;
import no.vakt.lab.LabAgents;
import no.vakt.lab.LabLayout;
import no.vakt.lab.LabNetns;
import no.vakt.lab.LabPower;
import no.vakt.lab.LabSettings;
import no.vakt.lab.LabSite;
import no.vakt.roles.LivePrimaries;
import no.vakt.status.StatusProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vakt lab up|down|status}: the local two-site sandbox. */
@Command(name = "lab", header = "The local two-site sandbox (oslo and bergen)", mixinStandardHelpOptions = true,
        description = {"Local two-site sandbox: MariaDB oslo (primary) and bergen (standby).",
            "",
            "oslo runs on 127.0.10.1 and bergen on 127.0.20.1 (same port), each in",
            "its own directory under .vakt/lab/, with a ready config written to",
            ".vakt/lab/vakt.yml. The servers keep running until `vakt lab down`."},
        subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Status.class, LabCommand.PowerOff.class,
            LabCommand.PowerOn.class})
public final class LabCommand extends CommandGroup {
    /** --dir, shared by the lab subcommands. */
    static final class DirOption {
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".vakt/lab",
                description = "Lab directory (default: ${DEFAULT-VALUE})")
        Path dir;

        @Spec(Spec.Target.MIXEE)
        CommandSpec command;

        Lab lab() {
            return new Lab(new LabLayout(dir));
        }

        PrintWriter out() {
            return command.commandLine().getOut();
        }

        /** " --dir X" when not the default, for the commands we print. */
        String flag() {
            return dir.equals(LabLayout.DEFAULT_DIR) ? "" : " --dir " + dir;
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Create (first time) and start both lab servers and write the lab config. Safe to repeat.")
    static final class Up implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DirOption dir;

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "3306", description = "Port of both servers (default: ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--tls", negatable = true,
                description = "TLS on the servers and the replication channel (default: on when openssl exists)")
        Boolean tls;

        @Option(names = "--semi-sync", description = "Semi-synchronous replication")
        boolean semiSync;

        @Option(names = "--stonith", description = "policy.fence-command powers the old primary off in a failover"
                + " (vakt lab power-off, the lab's stand-in for IPMI or a cloud API; docs/lab.md)")
        boolean stonith;

        // Tests run their own lab on unique addresses so they never meet a real one.
        @Option(names = "--oslo-address", hidden = true, defaultValue = "127.0.10.1")
        String osloAddress;

        @Option(names = "--bergen-address", hidden = true, defaultValue = "127.0.20.1")
        String bergenAddress;

        @Option(names = "--netns", description = "Each site in its own network namespace with its own address and a web"
                + " server (root only): drills can then block ports and cut sites off (see vakt drill)")
        boolean netns;

        @Option(names = "--agents", description = "With --netns (root): a third namespace, witness, and in each of oslo,"
                + " bergen and witness a ZooKeeper server (a 3-server ensemble) and a vakt run agent coordinated through it"
                + " (docs/ha.md, docs/lab.md)")
        boolean agents;

        // Tests use their own namespace names (vkd-...) and subnet 10.246.N.0/24.
        @Option(names = "--netns-prefix", hidden = true, defaultValue = LabNetns.DEFAULT_PREFIX)
        String netnsPrefix;

        @Option(names = "--netns-octet", hidden = true, defaultValue = "1")
        int netnsOctet;

        // The demo prints its own next steps.
        @Option(names = "--no-hints", hidden = true)
        boolean noHints;

        @Override
        public Integer call() throws Exception {
            if (port < 1 || port > 65535) throw new UsageException("--port must be between 1 and 65535");
            boolean withTls = tls != null ? tls : Binaries.find("openssl").isPresent();
            if (agents && !netns) throw new UsageException("--agents needs --netns (network namespaces, root only)");
            Lab lab = dir.lab();
            LabSettings settings = new LabSettings(osloAddress, bergenAddress, port, withTls, semiSync);
            if (netns) {
                LabNetns.unavailableReason().ifPresent(r -> {
                    throw new UsageException("--netns: " + r);
                });
                LabNetns n = LabNetns.configure(lab.layout(), netnsPrefix, netnsOctet);
                settings = new LabSettings(n.address(LabSite.OSLO), n.address(LabSite.BERGEN), port, withTls, semiSync, true);
            }
            Lab.UpReport report = lab.up(settings, stonith, agents);
            PrintWriter out = dir.out();
            LabLayout layout = lab.layout();
            out.printf("Vakt lab in %s (TLS %s, semi-sync %s%s)%n", layout.dir(), withTls ? "on" : "off",
                    semiSync ? "on" : "off", netns ? ", network namespaces " + LabNetns.of(layout).namespace(LabSite.OSLO)
                            + " and " + LabNetns.of(layout).namespace(LabSite.BERGEN) : "");
            printSites(out, report.sites());
            if (agents) printAgents(out, LabAgents.of(layout));
            out.println(report.dns().line());
            if (report.seeded()) out.println("  demo database shop (customers, orders) created on oslo");
            out.printf("  secrets: %s/ (files 0600; admin user %s, replication user %s)%n", layout.secretsDir(),
                    Lab.ADMIN_USER, Lab.REPLICATION_USER);
            if (withTls) out.printf("  TLS CA:  %s%n", layout.tlsDir().resolve("ca.pem"));
            out.printf("  config:  %s%n", layout.configFile());
            if (report.keptEdits() != null) {
                out.printf("  your edits to vakt.yml were copied to %s before it was rewritten: carry them over by hand%n",
                        report.keptEdits());
            }
            if (noHints) {
                out.flush();
                return ExitCodes.OK;
            }
            out.println();
            String cfg = layout.configFile().toString();
            out.println("Next:");
            // Both servers start read-only (as every node should): replicate opens oslo once bergen follows it.
            out.printf("  ./vakt replicate --config %s   # make bergen a standby of oslo, then open oslo for writes%n", cfg);
            out.printf("  ./vakt status --config %s%n", cfg);
            out.printf("  ./vakt lab down%s   # stop both servers (--purge also deletes the data)%n", dir.flag());
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop both lab servers; nothing is left running. Safe to repeat.")
    static final class Down implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DirOption dir;

        @Option(names = "--purge", description = "Also delete the lab's data, secrets and config")
        boolean purge;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = dir.out();
            no.vakt.lab.LabDns dns = new no.vakt.lab.LabDns(dir.lab().layout());
            boolean dnsWasRunning = dns.status().running();
            List<Lab.SiteReport> sites = dir.lab().down(purge);
            out.printf("Vakt lab in %s%n", dir.dir);
            printSites(out, sites);
            if (dnsWasRunning) out.println(new no.vakt.lab.LabDns.Report("stopped", 0, null, false).line());
            if (purge) out.printf("  removed the lab's files in %s%n", dir.dir);
            out.flush();
            return sites.stream().anyMatch(Lab.SiteReport::running) ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Which lab servers are running: pids, addresses, config. Exit 0 when both run.")
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DirOption dir;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = dir.out();
            Lab lab = dir.lab();
            Optional<LabSettings> settings = lab.settings();
            if (settings.isEmpty()) {
                out.printf("No lab in %s. Start one with: ./vakt lab up%s%n", dir.dir, dir.flag());
                out.flush();
                return ExitCodes.FAILED;
            }
            List<Lab.SiteReport> sites = lab.status();
            Path config = lab.layout().configFile();
            out.printf("Vakt lab in %s (TLS %s, semi-sync %s)%n", dir.dir, settings.get().tls() ? "on" : "off",
                    settings.get().semiSync() ? "on" : "off");
            printSites(out, sites);
            LabAgents agents = LabAgents.of(lab.layout());
            if (settings.get().netns() && agents.configured()) printAgents(out, agents);
            if (Files.exists(config) && sites.stream().anyMatch(Lab.SiteReport::running)) out.println(liveRoles(config));
            out.println(new no.vakt.lab.LabDns(lab.layout()).status().line());
            out.printf("  config:  %s%s%n", config, Files.exists(config) ? "" : " (missing: run ./vakt lab up)");
            out.flush();
            return sites.stream().allMatch(Lab.SiteReport::running) ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    /** What power-off and power-on share: the lab, the node, one line of output, exit 0 when the node is as asked. */
    abstract static class PowerSwitch implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DirOption dir;

        @picocli.CommandLine.Parameters(paramLabel = "NODE", description = "oslo-db or bergen-db (or the site: oslo, bergen)")
        String node;

        record Switched(String line, boolean ok) {}

        abstract Switched flip(LabPower power, LabSite site) throws Exception;

        @Override
        public Integer call() throws Exception {
            Switched s = flip(new LabPower(dir.lab()), LabPower.site(node));
            PrintWriter out = dir.out();
            out.println(s.line());
            out.flush();
            return s.ok() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    @Command(name = "power-off", mixinStandardHelpOptions = true,
            description = "Power a lab node off: SIGKILL of its mariadbd through its pid file, as an IPMI power-off would"
                    + " (a frozen server too); the fence command of `lab up --stonith`. Exit 0 when it is off.")
    static final class PowerOff extends PowerSwitch {
        @Override
        Switched flip(LabPower power, LabSite site) {
            LabPower.Off off = power.powerOff(site);
            String name = site.nodeName();
            if (off.pid() == null) return new Switched(name + " is already off", true);
            return new Switched(name + (off.off() ? " powered off" : " STILL RUNNING") + " (mariadbd pid " + off.pid()
                    + ", SIGKILL)", off.off());
        }
    }

    @Command(name = "power-on", mixinStandardHelpOptions = true,
            description = "Power a lab node on again: its mariadbd starts read-only, as its my.cnf says.")
    static final class PowerOn extends PowerSwitch {
        @Override
        Switched flip(LabPower power, LabSite site) throws Exception {
            boolean started = power.powerOn(site);
            return new Switched(site.nodeName() + (started ? " powered on (read-only until vakt rejoin or promote)"
                    : " is already on"), true);
        }
    }

    /**
     * The roles above are the lab's layout (oslo set up as the primary); after a failover or switchover on the
     * lab the servers say otherwise, and they are the truth.
     */
    private static String liveRoles(Path config) {
        try {
            VaktConfig cfg = ConfigLoader.load(config);
            LivePrimaries live = LivePrimaries.of(StatusProbe.forConfig(cfg).inspectAll(cfg));
            return "  live:    " + live.roles() + (live.single().isPresent() ? "" : " (" + live.whyNotSingle() + ")");
        } catch (ConfigException e) {
            return "  live:    not read: " + e.getMessage().lines().findFirst().orElse("the config is invalid");
        }
    }

    /** One line per agent: its ZooKeeper server (pid, mode) and its agent (pid, leader or follower, session). */
    static void printAgents(PrintWriter out, LabAgents agents) {
        for (LabAgents.AgentReport a : agents.status()) {
            String zk = a.zooKeeperPid() == null ? "zookeeper not running" : "zookeeper pid " + a.zooKeeperPid() + " " + a.zooKeeperMode();
            String agent = a.agentPid() == null ? "agent not running" : "agent pid " + a.agentPid() + " " + a.role()
                    + (a.session() == null ? "" : " (session " + a.session() + ")");
            out.println(String.format("  %-7s %-8s %-21s %s; %s", a.member(), "agent", a.address() + ":" + LabAgents.API_PORT,
                    zk, agent));
        }
        out.printf("  agents:  configs %s, dashboards http://ADDRESS:%d/, leader %s%n",
                agents.configFile(LabAgents.MEMBERS.get(0)).resolveSibling("agent-NAME.yml"), LabAgents.API_PORT,
                agents.leader().orElse("not agreed"));
    }

    static void printSites(PrintWriter out, List<Lab.SiteReport> sites) {
        for (Lab.SiteReport s : sites) {
            LabSite site = s.site();
            String line = String.format("  %-7s %-8s %-21s %-16s %s", site.siteName(), site.role().label(),
                    s.address(), s.action(), s.pid() == null ? "" : "pid " + s.pid());
            out.println(line.stripTrailing());
        }
    }
}
