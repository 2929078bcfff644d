package io.changelake.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.changelake.api.config.Config;
import io.changelake.api.config.ConfigDef;
import io.changelake.api.config.ConfigException;
import io.changelake.api.spi.SinkException;
import io.changelake.testkit.S3Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** S3A with the SDK modules changelake ships, against a real S3-compatible server; the options' mapping. */
class S3WarehouseTest {
  private static S3Server s3;

  @BeforeAll
  static void start() {
    s3 = S3Server.start();
    s3.createBucket("plumbing");
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  private static Config options(Map<String, String> values) {
    return S3Options.declare(new ConfigDef("test catalog")).parse(values);
  }

  @Test
  void writesRenamesListsReadsAndDeletesThroughS3a() throws IOException {
    Configuration conf = HadoopConf.forWarehouse("s3://plumbing/lake", options(s3.options()));
    Path file = new Path("s3://plumbing/lake/db/t/metadata/tmp-1.json");
    FileSystem fs = file.getFileSystem(conf);
    try (FSDataOutputStream out = fs.create(file, false)) {
      out.write("{\"v\":1}".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals("{\"v\":1}", Files.readString(s3.file(file.toString())), "the object, in the server's folder");
    Path renamed = new Path("s3://plumbing/lake/db/t/metadata/v1.metadata.json");
    assertTrue(fs.rename(file, renamed), "rename (S3 copy + delete)");
    assertFalse(fs.exists(file));
    assertEquals(1, fs.listStatus(renamed.getParent()).length);
    try (FSDataInputStream in = fs.open(renamed)) {
      assertEquals("{\"v\":1}", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertTrue(fs.delete(new Path("s3://plumbing/lake/db"), true));
    assertFalse(fs.exists(renamed));
  }

  @Test
  void credentialsComeFromAnAwsProfileFile(@TempDir java.nio.file.Path home) throws IOException {
    java.nio.file.Path credentials = home.resolve("credentials");
    Files.writeString(credentials, "[default]\naws_access_key_id = nobody\naws_secret_access_key = nothing\n\n"
        + "[lake]\naws_access_key_id = " + S3Server.ACCESS_KEY + "\naws_secret_access_key = " + S3Server.SECRET_KEY + "\n");
    Map<String, String> noKeys = new LinkedHashMap<>(s3.options());
    noKeys.remove("s3.access-key-id");
    noKeys.remove("s3.secret-access-key");
    s3.createBucket("profile");
    // what AWS_SHARED_CREDENTIALS_FILE and AWS_PROFILE say, as the SDK's system properties (a test cannot set
    // its own environment)
    System.setProperty("aws.sharedCredentialsFile", credentials.toString());
    System.setProperty("aws.profile", "lake");
    try {
      Configuration conf = HadoopConf.forWarehouse("s3://profile/lake", options(noKeys));
      Path file = new Path("s3://profile/lake/written-with-the-profile");
      try (FSDataOutputStream out = file.getFileSystem(conf).create(file, false)) {
        out.write(1);
      }
      assertTrue(Files.isRegularFile(s3.file(file.toString())));
    } finally {
      System.clearProperty("aws.sharedCredentialsFile");
      System.clearProperty("aws.profile");
    }
  }

  @Test
  void aMissingBucketIsNamedWithTheFix() {
    SinkException e = assertThrows(SinkException.class,
        () -> HadoopConf.forWarehouse("s3://no-such-bucket/lake", options(s3.options())));
    assertTrue(e.getMessage().startsWith("Bucket 'no-such-bucket' does not exist at " + s3.endpoint()
        + ". Create it"), e.getMessage());
  }

  @Test
  void refusedCredentialsNameTheBucketAndNeverTheSecret() {
    Map<String, String> wrong = new LinkedHashMap<>(s3.options());
    wrong.put("s3.secret-access-key", "wrong-secret-91d2");
    s3.createBucket("refused");
    SinkException e = assertThrows(SinkException.class,
        () -> HadoopConf.forWarehouse("s3a://refused/lake", options(wrong)));
    assertTrue(e.getMessage().startsWith("Access to bucket 'refused' at " + s3.endpoint() + " was refused."),
        e.getMessage());
    assertTrue(e.getMessage().contains("AWS_ACCESS_KEY_ID"), e.getMessage());
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(String.valueOf(t.getMessage()).contains("wrong-secret-91d2"), t.toString());
    }
  }

  @Test
  void optionsBecomeS3aSettingsAndTheEnvironmentFillsTheRest() {
    Configuration explicit = new Configuration(false);
    S3Options.apply(options(Map.of("s3.endpoint", "http://minio:9000", "s3.path-style-access", "true",
        "s3.access-key-id", "AKID", "s3.secret-access-key", "SECRET")), explicit, name -> "AWS_REGION".equals(name)
        ? "eu-west-1" : null);
    assertEquals("http://minio:9000", explicit.get("fs.s3a.endpoint"));
    assertEquals("eu-west-1", explicit.get("fs.s3a.endpoint.region"));
    assertEquals("true", explicit.get("fs.s3a.path.style.access"));
    assertEquals("true", explicit.get("fs.s3a.multiobjectdelete.enable"));
    assertEquals("AKID", explicit.get("fs.s3a.access.key"));
    assertEquals("org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider", explicit.get("fs.s3a.aws.credentials.provider"));
    assertEquals("org.apache.hadoop.fs.s3a.S3AFileSystem", explicit.get("fs.s3.impl"));

    Configuration fromEnvironment = new Configuration(false);
    S3Options.apply(options(Map.of()), fromEnvironment, Map.of("AWS_ENDPOINT_URL", "http://ceph:7480")::get);
    assertEquals("http://ceph:7480", fromEnvironment.get("fs.s3a.endpoint"));
    assertEquals("us-east-1", fromEnvironment.get("fs.s3a.endpoint.region"), "a custom endpoint needs some region");
    assertEquals("software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider",
        fromEnvironment.get("fs.s3a.aws.credentials.provider"), "env keys, AWS_PROFILE, roles");
    assertEquals(null, fromEnvironment.get("fs.s3a.access.key"));

    ConfigException half = assertThrows(ConfigException.class, () -> S3Options.apply(
        options(Map.of("s3.access-key-id", "AKID")), new Configuration(false), name -> null));
    assertTrue(half.getMessage().contains("'s3.access-key-id' and 's3.secret-access-key' go together"),
        half.getMessage());
    assertEquals("{s3.access-key-id=******, s3.secret-access-key=******}",
        options(Map.of("s3.access-key-id", "AKID", "s3.secret-access-key", "SECRET")).masked().toString()
            .replace("s3.secret-access-key=******, s3.access-key-id=******", "s3.access-key-id=******,"
                + " s3.secret-access-key=******"));
  }
}
