package no.vakt.lab;

import java.util.Optional;
import no.vakt.process.Programs;

/** The lab's programs: the product's lookup, naming every package the lab needs when one is missing. */
public final class Binaries {
    private static final String LAB_PACKAGES = "mariadb-server mariadb-client rsync openssh-client";

    private Binaries() {}

    public static Optional<String> find(String program) {
        return Programs.find(program);
    }

    public static String require(String program) {
        return Programs.require(program, LAB_PACKAGES);
    }
}
