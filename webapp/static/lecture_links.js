// Each explainer panel links to the chapter of the lecture that explains it
// (/api/lecture-links: the server reads the chapter off the rendered section clips); a click
// opens that video in the player above and seeks it there.
//     <span class="x-link" data-panel="conv1"></span>  ->  a button "▶ Lecture: Convolution"
"use strict";

const lectureLinks = { byLecture: {} };

async function loadLectureLinks() {
  try {
    const list = await (await fetch("/api/lecture-links")).json();
    lectureLinks.byLecture = Object.fromEntries(list.map((l) => [l.lecture, l.panels]));
  } catch (e) {
    lectureLinks.byLecture = {};
  }
}

function renderLinks() {
  const panels = (state.lecture && lectureLinks.byLecture[state.lecture.id]) || {};
  for (const slot of document.querySelectorAll(".x-link[data-panel]")) {
    const link = panels[slot.dataset.panel];
    if (!link) { slot.replaceChildren(); continue; }
    const b = document.createElement("button");
    b.type = "button";
    b.className = "chapter-link";
    b.textContent = "▶ " + fill(w("x_lecture_link"), { title: link.title, time: fmtTime(link.start) });
    b.addEventListener("click", () => jumpTo(link));
    slot.replaceChildren(b);
  }
}

function jumpTo(link) {
  const video = state.lecture.videos[link.video];
  const el = $("video");
  if (state.video !== video || el.getAttribute("src") !== video.url) selectVideo(video);
  el.currentTime = link.start;  // applied once the metadata is in, if it is not yet
  $("watch").scrollIntoView({ block: "start" });
  el.focus();
  el.play().catch(() => {});
}

platformInits.push(loadLectureLinks);
document.addEventListener("platform:lecture", renderLinks);
document.addEventListener("platform:words", renderLinks);
