package no.vakt.backup;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Date;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPBEEncryptedData;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.PGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBEDataDecryptorFactoryBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBEKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;

/**
 * OpenPGP symmetric encryption (RFC 4880: AES-256, integrity-protected, iterated and salted S2K) with Bouncy
 * Castle, streaming in 64 KiB packets. The format is the point: an operator decrypts any stored file with
 * plain {@code gpg --batch --passphrase-file F -d}, without Vakt. The passphrase is the file's first line,
 * as {@code gpg --passphrase-file} reads it; it is never put into a message.
 */
final class OpenPgpSealing {
    static final String NAME = "openpgp";
    private static final int BUFFER = 1 << 16;
    /** S2K count 0xC0: 4 MiB hashed per file opened, far from gpg's 65 MiB, which would cost every small binlog file. */
    private static final int S2K_COUNT = 0xC0;

    private final char[] passphrase;
    private final SecureRandom random = new SecureRandom();

    OpenPgpSealing(char[] passphrase) {
        if (passphrase.length == 0) throw new IllegalArgumentException("the backup passphrase is empty");
        this.passphrase = passphrase.clone();
    }

    /** The first line of {@code file}; the error names the file only. */
    static OpenPgpSealing fromFile(Path file) throws IOException {
        String first;
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            first = lines.findFirst().orElse("");
        }
        if (first.isEmpty()) throw new IOException("the passphrase file " + file + " has an empty first line");
        return new OpenPgpSealing(first.toCharArray());
    }

    /** Encrypts what is written into {@code stored}; closing finishes the packets and closes {@code stored}. */
    OutputStream seal(OutputStream stored) throws IOException {
        PGPEncryptedDataGenerator enc = new PGPEncryptedDataGenerator(new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                .setWithIntegrityPacket(true).setSecureRandom(random));
        try {
            enc.addMethod(new JcePBEKeyEncryptionMethodGenerator(passphrase, digests().get(HashAlgorithmTags.SHA256), S2K_COUNT)
                    .setSecureRandom(random));
            OutputStream encrypted = enc.open(stored, new byte[BUFFER]);
            PGPLiteralDataGenerator lit = new PGPLiteralDataGenerator();
            OutputStream literal = lit.open(encrypted, PGPLiteralData.BINARY, "", new Date(0), new byte[BUFFER]);
            return new FilterOutputStream(literal) {
                private boolean closed;

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    if (closed) return;
                    closed = true;
                    lit.close();
                    enc.close();
                    stored.close();
                }
            };
        } catch (PGPException e) {
            throw new IOException("cannot start the OpenPGP encryption: " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts {@code stored}. The integrity check (the MDC) runs at the end of the data: reading to the end
     * throws when a stored byte was changed or the passphrase is wrong, never hands back silently wrong bytes.
     */
    InputStream unseal(InputStream stored) throws IOException {
        try {
            BcPGPObjectFactory outer = new BcPGPObjectFactory(PGPUtil.getDecoderStream(stored));
            Object o = outer.nextObject();
            if (!(o instanceof PGPEncryptedDataList list)) throw new IOException("not an OpenPGP encrypted file");
            PGPPBEEncryptedData data = null;
            for (Object d : list) {
                if (d instanceof PGPPBEEncryptedData pbe) data = pbe;
            }
            if (data == null) throw new IOException("the OpenPGP file is not encrypted with a passphrase");
            InputStream clear;
            try {
                clear = data.getDataStream(new JcePBEDataDecryptorFactoryBuilder(digests()).build(passphrase));
            } catch (PGPException e) {
                throw new IOException("cannot decrypt: wrong passphrase or damaged file", e);
            }
            BcPGPObjectFactory inner = new BcPGPObjectFactory(clear);
            Object content = inner.nextObject();
            // gpg compresses by default: a file an operator encrypted by hand reads back too.
            if (content instanceof PGPCompressedData c) content = new BcPGPObjectFactory(c.getDataStream()).nextObject();
            if (!(content instanceof PGPLiteralData lit)) throw new IOException("the OpenPGP file holds no literal data");
            return new Checked(lit.getInputStream(), data, stored);
        } catch (PGPException e) {
            throw new IOException("cannot read the OpenPGP file: " + e.getMessage(), e);
        }
    }

    /**
     * The JDK's own providers (no Bouncy Castle provider registered): their AES and SHA run on the CPU's AES-NI and
     * SHA instructions, several times Bouncy Castle's pure-Java engines, which bounded a sealed take and restore.
     */
    private static PGPDigestCalculatorProvider digests() throws PGPException {
        return new JcaPGPDigestCalculatorProviderBuilder().build();
    }

    /** The plaintext; at its end the MDC is verified. */
    private static final class Checked extends FilterInputStream {
        private final PGPPBEEncryptedData data;
        private final InputStream stored;
        private boolean verified;

        Checked(InputStream in, PGPPBEEncryptedData data, InputStream stored) {
            super(in);
            this.data = data;
            this.stored = stored;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) atEnd();
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) atEnd();
            return n;
        }

        private void atEnd() throws IOException {
            if (verified) return;
            try {
                if (!data.isIntegrityProtected() || !data.verify()) throw new IOException("the encrypted file failed its integrity check");
            } catch (PGPException e) {
                throw new IOException("the encrypted file failed its integrity check: " + e.getMessage(), e);
            }
            verified = true;
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                stored.close();
            }
        }
    }
}
