package no.vakt.db;

/** Quoting for the few statements that cannot take bind parameters (CREATE USER, CHANGE MASTER). */
public final class Sql {
    private Sql() {}

    /** A single-quoted SQL string literal. */
    public static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** A back-quoted identifier. */
    public static String identifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** 'user'@'host'. */
    public static String account(String user, String host) {
        return literal(user) + "@" + literal(host);
    }
}
