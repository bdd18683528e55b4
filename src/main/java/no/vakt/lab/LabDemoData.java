package no.vakt.lab;

import java.sql.SQLException;

/** The lab's small application database {@code shop}: customers and their orders, seeded on the primary. */
public final class LabDemoData {
    public static final String DATABASE = "shop";

    private LabDemoData() {}

    /**
     * Creates and fills {@code shop}. Safe to repeat after a half-finished first run (IF NOT EXISTS,
     * INSERT IGNORE); the lab calls it once only, so later changes by the user are kept.
     */
    public static void seed(MariaDbServer primary) throws SQLException {
        primary.rootExecute(
                "CREATE DATABASE IF NOT EXISTS shop",
                "CREATE TABLE IF NOT EXISTS shop.customers ("
                        + " id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                        + " name VARCHAR(100) NOT NULL,"
                        + " email VARCHAR(200) NOT NULL UNIQUE,"
                        + " city VARCHAR(60) NOT NULL,"
                        + " created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
                        + ") ENGINE=InnoDB",
                "CREATE TABLE IF NOT EXISTS shop.orders ("
                        + " id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                        + " customer_id INT UNSIGNED NOT NULL,"
                        + " item VARCHAR(100) NOT NULL,"
                        + " total DECIMAL(10,2) NOT NULL,"
                        + " status VARCHAR(20) NOT NULL DEFAULT 'new',"
                        + " created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                        + " KEY (customer_id),"
                        + " CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES shop.customers (id)"
                        + ") ENGINE=InnoDB",
                "START TRANSACTION",
                "INSERT IGNORE INTO shop.customers (id, name, email, city) VALUES"
                        + " (1, 'Kari Nordmann', 'kari@example.no', 'Oslo'),"
                        + " (2, 'Ola Nordmann', 'ola@example.no', 'Bergen'),"
                        + " (3, 'Ingrid Haugen', 'ingrid@example.no', 'Trondheim'),"
                        + " (4, 'Lars Berg', 'lars@example.no', 'Stavanger')",
                "INSERT IGNORE INTO shop.orders (id, customer_id, item, total, status) VALUES"
                        + " (1, 1, 'Ullgenser', 899.00, 'shipped'),"
                        + " (2, 1, 'Votter', 249.50, 'new'),"
                        + " (3, 2, 'Regnjakke', 1499.00, 'shipped'),"
                        + " (4, 3, 'Fjellsko', 1899.00, 'paid'),"
                        + " (5, 4, 'Termos', 349.00, 'new')",
                "COMMIT");
    }
}
