package io.polyport.ops;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The gRPC docs page says everything the descriptors say, with the proto's comments, and escapes it all. */
class GrpcDocsPageTest {
  static final ProtoCatalog CATALOG = ProtoCatalog.load();
  static final String PAGE = GrpcDocsPage.render(CATALOG);

  @Test
  void everyServiceAndRpcWithItsStreamingKind() {
    assertThat(CATALOG.services()).extracting(ServiceDescriptor::getFullName).containsExactly(
        "polyport.users.v1.UserService", "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
    for (ServiceDescriptor service : CATALOG.services()) {
      assertThat(PAGE).contains("<h4 id=\"" + service.getFullName() + "\">service");
      for (MethodDescriptor method : service.getMethods()) {
        assertRow(method.getFullName(), "/" + service.getFullName() + "/" + method.getName(),
            method.getInputType().getFullName(), method.getOutputType().getFullName(), GrpcDocsPage.kind(method));
      }
    }
    var users = CATALOG.service("polyport.users.v1.UserService");
    assertThat(GrpcDocsPage.kind(users.findMethodByName("GetUser"))).isEqualTo("unary");
    assertThat(GrpcDocsPage.kind(users.findMethodByName("ListUsers"))).isEqualTo("server streaming");
    assertThat(GrpcDocsPage.kind(users.findMethodByName("ImportUsers"))).isEqualTo("client streaming");
    assertThat(GrpcDocsPage.kind(users.findMethodByName("Feed"))).isEqualTo("bidirectional streaming");
  }

  @Test
  void everyMessageFieldAndEnumValue() {
    List<FileDescriptor> files = new ArrayList<>(CATALOG.apiFiles());
    files.addAll(CATALOG.opsFiles());
    for (FileDescriptor file : files) {
      for (Descriptor message : allMessages(file.getMessageTypes())) {
        if (message.getOptions().getMapEntry()) {
          continue;
        }
        assertThat(PAGE).contains("<h4 id=\"" + message.getFullName() + "\">message");
        for (FieldDescriptor field : message.getFields()) {
          assertThat(PAGE).containsPattern(Pattern.compile("<tr><td>" + field.getNumber() + "</td><td><code>"
              + field.getName() + "</code>.*?</td><td>" + Pattern.quote(GrpcDocsPage.label(field)) + "</td>"));
        }
        message.getEnumTypes().forEach(GrpcDocsPageTest::assertEnum);
      }
      file.getEnumTypes().forEach(GrpcDocsPageTest::assertEnum);
    }
    var user = CATALOG.apiFiles().get(0).findMessageTypeByName("User");
    assertThat(GrpcDocsPage.label(user.findFieldByName("age"))).isEqualTo("optional");
    assertThat(GrpcDocsPage.label(user.findFieldByName("tags"))).isEqualTo("repeated");
    assertThat(GrpcDocsPage.label(user.findFieldByName("name"))).isEqualTo("singular");
    var feed = CATALOG.apiFiles().get(0).findMessageTypeByName("FeedRequest");
    assertThat(GrpcDocsPage.label(feed.findFieldByName("create"))).isEqualTo("oneof action");
    assertThat(PAGE).contains("map&lt;<code>string</code>, <a href=\"#grpc.health.v1.HealthCheckResponse\">");
  }

  @Test
  void theCommentsOfTheProtoAreOnThePage() {
    FileDescriptor users = CATALOG.apiFiles().get(0);
    assertThat(users.getName()).isEqualTo("polyport/users/v1/users.proto");
    List<GenericDescriptor> documented = new ArrayList<>(users.getServices());
    users.getServices().forEach(s -> documented.addAll(s.getMethods()));
    for (Descriptor message : allMessages(users.getMessageTypes())) {
      documented.add(message);
      documented.addAll(message.getFields());
    }
    users.getEnumTypes().forEach(e -> {
      documented.add(e);
      documented.addAll(e.getValues());
    });
    var comments = new ProtoComments(users);
    for (GenericDescriptor element : documented) {
      String comment = comments.of(element);
      assertThat(comment).as("the comment of %s", element.getFullName()).isNotEmpty();
      assertThat(PAGE).contains(GrpcDocsPage.escape(comment));
    }
    assertThat(PAGE).contains("Streams users in ascending id order. It streams because the result may be the whole"
        + " collection:\nthe server reads the database cursor only as fast as the client reads the stream.");
    assertThat(PAGE).contains("The Polyport user directory: one contract served over gRPC");
  }

  @Test
  void everythingFromTheDescriptorsIsEscaped() throws Exception {
    String evil = "<script>alert(\"x\") & 'y'</script>";
    var proto = FileDescriptorProto.newBuilder().setName("evil<b>.proto").setPackage("evil").setSyntax("proto3")
        .addMessageType(DescriptorProto.newBuilder().setName("M").addField(FieldDescriptorProto.newBuilder()
            .setName("f").setNumber(1).setType(FieldDescriptorProto.Type.TYPE_STRING)))
        .addEnumType(EnumDescriptorProto.newBuilder().setName("E")
            .addValue(EnumValueDescriptorProto.newBuilder().setName("E_ZERO").setNumber(0)))
        .addService(ServiceDescriptorProto.newBuilder().setName("S").addMethod(MethodDescriptorProto.newBuilder()
            .setName("Do").setInputType(".evil.M").setOutputType(".evil.M")))
        .setSourceCodeInfo(SourceCodeInfo.newBuilder()
            .addLocation(comment(evil + " file", 12))
            .addLocation(comment(evil + " message", 4, 0))
            .addLocation(comment(evil + " field", 4, 0, 2, 0))
            .addLocation(comment(evil + " enum value", 5, 0, 2, 0))
            .addLocation(comment(evil + " service", 6, 0))
            .addLocation(comment(evil + " rpc", 6, 0, 2, 0)))
        .build();
    String page = GrpcDocsPage.render(ProtoCatalog.of(List.of(FileDescriptor.buildFrom(proto,
        new FileDescriptor[0])), List.of()));
    assertThat(page).doesNotContain("<script>").doesNotContain("evil<b>");
    String escaped = "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;";
    for (String where : new String[] {"file", "message", "field", "enum value", "service", "rpc"}) {
      assertThat(page).contains(escaped + " " + where);
    }
    assertThat(page).contains("evil&lt;b&gt;.proto");
  }

  private static SourceCodeInfo.Location comment(String text, Integer... path) {
    var location = SourceCodeInfo.Location.newBuilder().addAllPath(List.of(path)).addSpan(0).addSpan(0).addSpan(1);
    return path.length == 1 ? location.addLeadingDetachedComments(" " + text + "\n").build()
        : location.setLeadingComments(" " + text + "\n").build();
  }

  private static void assertRow(String anchor, String... cells) {
    int at = PAGE.indexOf("<tr id=\"" + anchor + "\">");
    assertThat(at).as("row of %s", anchor).isGreaterThanOrEqualTo(0);
    String row = PAGE.substring(at, PAGE.indexOf("</tr>", at));
    for (String cell : cells) {
      assertThat(row).contains(cell);
    }
  }

  private static void assertEnum(EnumDescriptor e) {
    assertThat(PAGE).contains("<h4 id=\"" + e.getFullName() + "\">enum");
    e.getValues().forEach(v -> assertThat(PAGE).contains("<tr><td>" + v.getNumber() + "</td><td><code>"
        + v.getName() + "</code>"));
  }

  private static List<Descriptor> allMessages(List<Descriptor> messages) {
    List<Descriptor> all = new ArrayList<>();
    for (Descriptor m : messages) {
      all.add(m);
      all.addAll(allMessages(m.getNestedTypes()));
    }
    return all;
  }
}
