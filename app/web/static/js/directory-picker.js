// The recipient picker of the drafting form: `<input data-directory-picker="URL" data-target="ID" list="…">` asks
// URL?q=… (the agency directory, matched by code or name without accents) while the clerk types and offers the
// matches in its datalist; choosing one adds the line "mã định danh | tên" to the textarea named by data-target.
// Without JavaScript the textarea is still there to type into.
for (const input of document.querySelectorAll("[data-directory-picker]")) {
  const list = document.getElementById(input.getAttribute("list"));
  const target = document.getElementById(input.dataset.target);
  let timer = null;
  let shown = new Map();

  async function suggest() {
    const q = input.value.trim();
    if (q.length < 2 || shown.has(input.value)) return;
    const response = await fetch(`${input.dataset.directoryPicker}?q=${encodeURIComponent(q)}`, {
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    shown = new Map();
    list.replaceChildren();
    for (const agency of await response.json()) {
      const line = `${agency.code} | ${agency.name}`;
      shown.set(line, agency);
      const option = document.createElement("option");
      option.value = line;
      if (agency.resolves_to) option.label = `đã sáp nhập vào ${agency.resolves_to}`;
      else if (!agency.peer) option.label = "gửi bằng tệp gói tin";
      list.append(option);
    }
  }

  function choose() {
    if (!shown.has(input.value)) return false;
    const lines = target.value.split("\n").map((l) => l.trim()).filter(Boolean);
    if (!lines.includes(input.value)) lines.push(input.value);
    target.value = lines.join("\n");
    input.value = "";
    return true;
  }

  input.addEventListener("input", () => {
    if (choose()) return;
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // never submit the draft from the search box
      choose();
    }
  });
}
