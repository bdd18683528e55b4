package no.vakt.traffic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs the switch it would make: a stand-in until a real traffic switch is configured. */
public final class LoggingTrafficSwitch implements TrafficSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(LoggingTrafficSwitch.class);

    @Override
    public void routeTo(String cluster, String node, long epoch) {
        LOG.warn("[{}] traffic switch: route writes to {} (epoch {}); no switch configured, do it by hand", cluster, node, epoch);
    }
}
