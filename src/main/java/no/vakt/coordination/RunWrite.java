package no.vakt.coordination;

/** The typed outcome of writing the cluster's running failover ({@link ZooKeeperRuns}). */
public sealed interface RunWrite {
    /** Written; the next write must expect {@code version}. */
    record Written(int version) implements RunWrite {}

    /** Someone else wrote since (a successor that adopted the run, or another run began): nothing was written. */
    record Refused(String holder, String key) implements RunWrite {}

    /** ZooKeeper did not answer within its deadline: nothing is known to be written. */
    record Unavailable(String why) implements RunWrite {}
}
