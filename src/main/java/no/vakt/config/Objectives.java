package no.vakt.config;

import java.time.Duration;

/** Recovery objectives: the data loss (RPO) and downtime (RTO) the business accepts. */
public record Objectives(Duration rpo, Duration rto) {
    public static final Objectives DEFAULT = new Objectives(null, null);

    public Objectives {
        rpo = rpo != null ? rpo : Duration.ofSeconds(1);
        rto = rto != null ? rto : Duration.ofMinutes(5);
    }
}
