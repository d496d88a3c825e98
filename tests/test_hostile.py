"""The hostile-input sweep: the sample book with a symlink out of the book in every place it reads
from. Each build either refuses in one error line (exit 1, no product) or succeeds without reading
the outside file; nothing outside the book and --out changes either way."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from hostile import World, assert_clean_failure, copy_sample, make_world, products, run
from PIL import Image, PngImagePlugin

SECRET = "SECRET-OUTSIDE-TEXT"


def plant(path: Path) -> None:
    """Put the secret into `path` (a file or every file under a folder) where a build would show it."""
    for file in [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()):
        if file.suffix in (".md", ".yaml"):
            file.write_text(file.read_text(encoding="utf-8").replace(" the ", f" {SECRET} the ", 1), encoding="utf-8")
        elif file.suffix == ".css":
            file.write_text(file.read_text(encoding="utf-8") + f"\n/* {SECRET} */\np.secret {{ content: '{SECRET}'; }}\n")
        elif file.suffix == ".png":
            info = PngImagePlugin.PngInfo()
            info.add_text("Comment", SECRET)
            Image.open(file).save(file, pnginfo=info)
        elif file.suffix == ".jpg":
            Image.open(file).save(file, comment=SECRET.encode())


def link_outside(world: World, relative: str) -> None:
    """Move book/RELATIVE out of the book, plant the secret in it, and leave a symlink in its place."""
    inside = world.book / relative
    outside = world.outside / "moved" / relative
    outside.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(inside, outside)
    plant(outside)
    inside.symlink_to(outside)


def dangle(world: World, relative: str) -> None:
    (world.book / relative).unlink()
    (world.book / relative).symlink_to(world.outside / "gone" / Path(relative).name)


def extra_link(world: World, relative: str) -> None:
    """A file the book does not list, linked in from outside: found by a folder scan, if any."""
    source = {".png": "images/type-case.png", ".css": "styles/sample.css", ".md": "manuscript/front/foreword.md"}
    outside = world.outside / "extra" / Path(relative).name
    outside.parent.mkdir(exist_ok=True)
    shutil.copy(world.book / source[Path(relative).suffix], outside)
    plant(outside)
    (world.book / relative).symlink_to(outside)


def edit_yaml(world: World, old: str, new: str) -> None:
    path = world.book / "manuscript" / "book.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def up_and_out(world: World) -> None:
    (world.outside / "secret.md").write_text(f"# Secret\n\n{SECRET}\n")
    edit_yaml(world, "- chapters/07-paperback-and-screen.md", "- ../../outside/secret.md")


def absolute_cover(world: World) -> None:
    cover = world.outside / "cover.jpg"
    shutil.copy(world.book / "images" / "cover.jpg", cover)
    plant(cover)
    edit_yaml(world, "cover: images/cover.jpg", f"cover: {cover}")


LINKED = [
    "manuscript",
    "manuscript/book.yaml",
    "manuscript/chapters",
    "manuscript/chapters/02-mainz.md",
    "manuscript/front",
    "manuscript/front/foreword.md",
    "manuscript/back",
    "manuscript/back/afterword.md",
    "manuscript/back/glossary.yaml",
    "manuscript/back/chronology.yaml",
    "manuscript/back/biographies.yaml",
    "images",
    "images/hand-press.png",
    "images/cover.jpg",
    "styles",
    "styles/sample.css",
]
DANGLING = ["manuscript/chapters/02-mainz.md", "images/hand-press.png", "styles/sample.css"]
CASES = {f"link-{r}": (lambda w, r=r: link_outside(w, r), Path(r).name) for r in LINKED}
CASES |= {f"dangling-{r}": (lambda w, r=r: dangle(w, r), Path(r).name) for r in DANGLING}
EXTRA = ["images/outside.png", "styles/outside.css", "manuscript/chapters/outside.md"]
CASES |= {f"extra-{r}": (lambda w, r=r: extra_link(w, r), Path(r).name) for r in EXTRA}
CASES |= {"contents-up-and-out": (up_and_out, "secret.md"), "absolute-cover": (absolute_cover, "cover.jpg")}


def secrets_in(folder: Path) -> list[str]:
    """Products (and files inside EPUBs) in which the outside text shows."""
    found = []
    for name in products(folder):
        path = folder / name
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as archive:
                found += [f"{name}!{entry}" for entry in archive.namelist() if SECRET.encode() in archive.read(entry)]
        elif SECRET.encode() in path.read_bytes():
            found.append(name)
    return found


def check_build(world: World, fmt: str, named: str) -> None:
    out = world.base / "out"
    before = world.frozen()
    result = run(["build", fmt, world.book, "--out", out])
    if result.exit_code == 0:
        assert products(out) and not secrets_in(out), (products(out), secrets_in(out))
    else:
        assert_clean_failure(result, named)
        assert products(out) == [], products(out)
    assert world.frozen() == before


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path, copy_sample(tmp_path))


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_symlink_out_of_the_book_is_refused_or_not_read(world: World, case: str):
    make, named = CASES[case]
    make(world)
    check_build(world, "epub", named)


def test_build_all_with_a_stylesheet_linked_outside(world: World):
    link_outside(world, "styles/sample.css")
    check_build(world, "all", "sample.css")


def test_a_build_folder_linked_outside_is_not_written_through(world: World):
    (world.book / "build").symlink_to(world.outside / "documents")
    before = world.frozen()
    result = run(["build", "epub", world.book])
    if result.exit_code:
        assert_clean_failure(result, "build")
    assert world.frozen() == before
    assert sorted(p.name for p in (world.outside / "documents").iterdir()) == ["thesis.txt"]


NEW_EDITIONS = ["web", "kobo", "digital"]
SAMPLED = ["link-manuscript/chapters/02-mainz.md", "link-images/hand-press.png", "link-styles/sample.css",
           "extra-images/outside.png", "extra-styles/outside.css", "absolute-cover"]  # fmt: skip


@pytest.mark.parametrize("fmt", NEW_EDITIONS)
@pytest.mark.parametrize("case", SAMPLED)
def test_the_new_editions_refuse_or_do_not_read_a_symlink_out_of_the_book(world: World, case: str, fmt: str):
    make, named = CASES[case]
    make(world)
    check_build(world, fmt, named)


@pytest.mark.parametrize("link", ["css", "notes.txt", "index.html"])
def test_a_symlink_put_into_the_web_edition_stops_its_replacement_and_is_not_followed(world: World, link: str):
    """The site's folder in --out, presswork's, with a symlink added (or a file swapped for one) that
    leads to someone else's files: the next build leaves the folder as it is and writes nothing."""
    out = world.base / "out"
    assert run(["build", "web", world.book, "--out", out]).exit_code == 0
    [site] = out.glob("*-web")
    if (site / link).is_dir():
        shutil.rmtree(site / link)
    (site / link).unlink(missing_ok=True)
    (site / link).symlink_to(world.outside / "documents")
    before, inside = world.frozen(), sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    assert_clean_failure(run(["build", "web", world.book, "--out", out]), "not a folder presswork made")
    assert world.frozen() == before
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == inside
