// Swagger UI (the API's documentation page) has no translations: its own words are put in
// Vietnamese as it draws them. The operations and their descriptions come from the schema,
// already in Vietnamese.
(function () {
  "use strict";
  var WORDS = {
    "Authorize": "Xác thực",
    "Authorized": "Đã xác thực",
    "Available authorizations": "Các cách xác thực",
    "Logout": "Bỏ xác thực",
    "Close": "Đóng",
    "Try it out": "Thử gọi",
    "Execute": "Gửi",
    "Cancel": "Hủy",
    "Clear": "Xóa kết quả",
    "Parameters": "Tham số",
    "No parameters": "Không có tham số",
    "Request body": "Nội dung gửi lên",
    "Responses": "Kết quả trả về",
    "Response body": "Nội dung trả về",
    "Response headers": "Tiêu đề trả về",
    "Server response": "Máy chủ trả lời",
    "Request URL": "Địa chỉ đã gọi",
    "Code": "Mã",
    "Description": "Mô tả",
    "Details": "Chi tiết",
    "Links": "Liên kết",
    "No links": "Không có liên kết",
    "Name": "Tên",
    "Media type": "Kiểu dữ liệu",
    "Example Value": "Ví dụ",
    "Schema": "Cấu trúc",
    "Servers": "Máy chủ",
    "Value:": "Giá trị:",
    "required": "bắt buộc",
    "Loading...": "Đang tải...",
    "Undocumented": "Chưa mô tả",
    "Download": "Tải về",
  };

  function translate(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      var text = node.nodeValue.trim();
      if (Object.prototype.hasOwnProperty.call(WORDS, text)) {
        node.nodeValue = node.nodeValue.replace(text, WORDS[text]);
      }
    }
    root.querySelectorAll && root.querySelectorAll("[aria-label], [title]").forEach(function (el) {
      ["aria-label", "title"].forEach(function (name) {
        var value = el.getAttribute(name);
        if (value && Object.prototype.hasOwnProperty.call(WORDS, value)) {
          el.setAttribute(name, WORDS[value]);
        }
      });
    });
  }

  document.documentElement.lang = "vi";
  var ui = document.getElementById("swagger-ui");
  if (!ui) return;
  translate(ui);
  new MutationObserver(function () { translate(ui); }).observe(ui, { childList: true, subtree: true, characterData: false });
})();
