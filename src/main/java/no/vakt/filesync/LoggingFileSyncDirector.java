package no.vakt.filesync;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs the direction change it would make: a stand-in until file sync is configured. */
public final class LoggingFileSyncDirector implements FileSyncDirector {
    private static final Logger LOG = LoggerFactory.getLogger(LoggingFileSyncDirector.class);

    @Override
    public void makeSource(String cluster, String node, long epoch) {
        LOG.warn("[{}] file sync: {} is now the source (epoch {}); no file sync configured, do it by hand", cluster, node, epoch);
    }
}
