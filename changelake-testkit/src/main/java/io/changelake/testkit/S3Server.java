package io.changelake.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.internal.PageSetImpl;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.options.GetOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/**
 * An S3-compatible server (S3Proxy) on a free loopback port, keeping its buckets in a fresh local
 * folder: bucket {@code b}'s object {@code k} is the file {@code <folder>/b/k}. Directory markers
 * ({@code k/}, as Hadoop's S3A writes them) are listed as S3 lists them, and a folder is never an object
 * {@code k} of its own (S3Proxy's {@code filesystem-nio2} store, with those fixes). A file a test writes straight into
 * the folder is an object too, listed with its file's modification time as S3's {@code LastModified} (the store
 * lists only files carrying the checksum it writes itself: such files get it when first listed or read). Requests
 * must be signed
 * with {@value #ACCESS_KEY} / {@value #SECRET_KEY} (AWS signature v2 or v4); buckets are addressed
 * path-style. {@link #close()} stops it and removes the folder. Start one per test class:
 *
 * <pre>{@code
 * try (S3Server s3 = S3Server.start()) {
 *   s3.createBucket("lake");
 *   String warehouse = "s3://lake/warehouse";   // with s3.options() as catalog options
 * }
 * }</pre>
 *
 * <p>The server comes from {@code org.gaul:s3proxy}, an optional dependency of the test kit: a module
 * that starts one declares it with test scope.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "changelake-test";
  public static final String SECRET_KEY = "s3-secret-7f3a9c";
  /** Any region: the server accepts a signature for every region. */
  public static final String REGION = "us-east-1";

  private final S3Proxy proxy;
  private final BlobStoreContext store;
  private final Path folder;

  private S3Server(S3Proxy proxy, BlobStoreContext store, Path folder) {
    this.proxy = proxy;
    this.store = store;
    this.folder = folder;
  }

  /** Starts a server over a new temporary folder. */
  public static S3Server start() {
    Path folder;
    try {
      folder = Files.createTempDirectory("s3server");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", folder.toString());
    BlobStoreContext store = ContextBuilder.newBuilder("filesystem-nio2").overrides(properties)
        .credentials("identity", "credential").build(BlobStoreContext.class);
    S3Proxy proxy = S3Proxy.builder().blobStore(new ObjectsOnly(store.getBlobStore(), folder))
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .build();
    try {
      proxy.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("S3Proxy did not start within 30 s: " + proxy.getState());
        }
        Thread.sleep(5);
      }
    } catch (Exception e) {
      store.close();
      throw new IllegalStateException("Cannot start S3Proxy: " + e, e);
    }
    return new S3Server(proxy, store, folder);
  }

  /** The server's URL, e.g. {@code http://127.0.0.1:41234}. */
  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  /** Creates bucket {@code name} (no effect when it exists). */
  public void createBucket(String name) {
    store.getBlobStore().createContainerInLocation(null, name);
  }

  /** The changelake catalog options that reach this server: endpoint, keys, {@link #addressing()}. */
  public Map<String, String> options() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("s3.endpoint", endpoint());
    options.putAll(addressing());
    options.put("s3.access-key-id", ACCESS_KEY);
    options.put("s3.secret-access-key", SECRET_KEY);
    options.put("s3.region", REGION);
    return options;
  }

  /**
   * The options this server needs besides endpoint and credentials: path-style access, and one delete
   * request per object (S3Proxy refuses the CRC32 checksum header of the AWS SDK's DeleteObjects).
   */
  public Map<String, String> addressing() {
    return Map.of("s3.path-style-access", "true", "s3.bulk-delete", "false");
  }

  /** The AWS environment variables that reach this server (with the {@link #addressing()} options). */
  public Map<String, String> environment() {
    return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", REGION,
        "AWS_ENDPOINT_URL", endpoint());
  }

  /** The local file holding object {@code uri} ({@code s3://bucket/key}, {@code s3a://} likewise). */
  public Path file(String uri) {
    URI parsed = URI.create(uri);
    return folder.resolve(parsed.getHost()).resolve(parsed.getPath().replaceFirst("^/", ""));
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot stop S3Proxy: " + e, e);
    } finally {
      store.close();
      deleteFolder();
    }
  }

  /**
   * What S3 does and the folder store does not: a key without a trailing slash that names a folder here is
   * no object, an empty directory marker {@code k/} is listed under the prefix {@code k/}, and a file written
   * into the folder by hand is an object (S3Proxy 3.0's listing fails on a file without its checksum attribute).
   */
  private static final class ObjectsOnly extends ForwardingBlobStore {
    /** The attribute in which S3Proxy's folder store keeps an object's MD5 (its ETag). */
    private static final String CHECKSUM = "user.content-md5";

    private final Path folder;

    ObjectsOnly(BlobStore store, Path folder) {
      super(store);
      this.folder = folder;
    }

    private boolean isFolder(String container, String name) {
      return !name.endsWith("/") && Files.isDirectory(folder.resolve(container).resolve(name));
    }

    @Override
    public BlobMetadata blobMetadata(String container, String name) {
      if (isFolder(container, name)) {
        return null;
      }
      adopt(folder.resolve(container).resolve(name), false);
      return super.blobMetadata(container, name);
    }

    @Override
    public boolean blobExists(String container, String name) {
      return !isFolder(container, name) && super.blobExists(container, name);
    }

    @Override
    public Blob getBlob(String container, String name, GetOptions options) {
      if (isFolder(container, name)) {
        return null;
      }
      adopt(folder.resolve(container).resolve(name), false);
      return super.getBlob(container, name, options);
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container, ListContainerOptions options) {
      String listed = options.getPrefix() == null ? "" : options.getPrefix();
      adopt(folder.resolve(container).resolve(listed.substring(0, listed.lastIndexOf('/') + 1)),
          !"/".equals(options.getDelimiter()));
      PageSet<? extends StorageMetadata> page = super.list(container, options);
      String prefix = options.getPrefix();
      if (!page.isEmpty() || prefix == null || !prefix.endsWith("/")
          || !Files.isDirectory(folder.resolve(container).resolve(prefix))) {
        return page;
      }
      BlobMetadata marker = super.blobMetadata(container, prefix);
      return marker == null ? page : new PageSetImpl<>(List.of(marker), null);
    }

    /**
     * Gives {@code path} (a file, or the files in a folder, in its sub-folders too when {@code deep}) that lack the
     * store's checksum attribute the checksum of its content, keeping its modification time.
     */
    private static void adopt(Path path, boolean deep) {
      if (!Files.exists(path)) {
        return;
      }
      try (Stream<Path> files = Files.isDirectory(path) ? Files.walk(path, deep ? Integer.MAX_VALUE : 1)
          : Stream.of(path)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
          if (view != null && !view.list().contains(CHECKSUM)) {
            FileTime modified = Files.getLastModifiedTime(file);
            view.write(CHECKSUM, ByteBuffer.wrap(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file))));
            Files.setLastModifiedTime(file, modified);
          }
        }
      } catch (IOException | NoSuchAlgorithmException e) {
        throw new IllegalStateException("Cannot make the files at " + path + " objects of the store: " + e, e);
      }
    }
  }

  private void deleteFolder() {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove " + folder, e);
    }
  }
}
