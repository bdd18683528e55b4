package no.vakt.coordination;

import java.time.Clock;
import java.time.Duration;
import no.vakt.config.CoordinationConfig;

/**
 * A coordinator in a JVM of its own, so a test can kill -9 an agent: its ZooKeeper session then ends only when
 * the servers expire it, as after a real crash. Args: connect string, chroot, agent name, session timeout ms.
 * Runs until killed or its standard input closes.
 */
public final class AgentProcess {
    private AgentProcess() {}

    public static void main(String[] args) throws Exception {
        CoordinationConfig config = new CoordinationConfig(args[0], args[1], Duration.ofMillis(Long.parseLong(args[3])),
                Duration.ofSeconds(2), args[2]);
        try (ZooKeeperCoordinator c = ZooKeeperCoordinator.start(config, Clock.systemUTC())) {
            while (System.in.read() >= 0) {
                // until the test closes our input (or kills us)
            }
        }
    }
}
