"""`lawful demo`: the embedded demo in one command. It sets up (or reuses) the demo data in the data
directory (lawful/demo/setup.py); with --serve, as scripts/demo runs it, it first checks that it can listen
where asked, and afterwards serves lawful and, on the next port, the demo company's website with the cookie
banner (lawful/demo/site.py). Without --serve it returns once the data are ready, as it always did."""

import os
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Annotated

import typer

from lawful import terminal

from . import ports, setup, site

DEFAULT_EMAIL = "privacy.officer@example.test"


def demo(
    host: Annotated[
        str, typer.Option(envvar="LAWFUL_DEMO_HOST", help="address to listen on (0.0.0.0: every interface)")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(envvar="LAWFUL_DEMO_PORT", min=1, max=65534, help="lawful's port")
    ] = 8000,
    site_port: Annotated[
        int | None,
        typer.Option(
            envvar="LAWFUL_DEMO_SITE_PORT", min=1, max=65535, help="the demo website's port [default: PORT+1]"
        ),
    ] = None,
    reset: Annotated[
        bool,
        typer.Option("--reset", help="start over: remove the demo's database, key store and job queue first"),
    ] = False,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="then serve lawful and the website until Ctrl-C")
    ] = False,
    register: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, envvar="LAWFUL_DEMO_REGISTER")
    ] = Path("examples/crms.yaml"),
    website: Annotated[Path, typer.Option(help="the demo website's folder, served with --serve")] = Path(
        "examples/website"
    ),
    email: Annotated[str, typer.Option(help="the demo privacy officer's login")] = DEFAULT_EMAIL,
    invoked_as: Annotated[
        str, typer.Option(envvar="LAWFUL_DEMO_COMMAND", hidden=True)
    ] = "lawful demo --serve",
) -> None:
    """Set up the embedded demo (schema, an example register, its notices, a privacy officer) in the data
    directory, or complete the one there; with --serve (as scripts/demo runs it), then serve it with the demo
    website. Run it again to reuse the data; --reset starts over."""
    settings = terminal.settings()
    shown = _shown_host(host)
    explicit_base = "LAWFUL_BASE_URL" in os.environ
    if not explicit_base:
        settings.base_url = f"http://{shown}:{port}"
    site_port = site_port or port + 1
    if serve and not website.is_dir():  # only serving needs it: set-up alone runs from anywhere
        _refuse(f"--website: {website} is not a folder; run this from the repository or give --website")
    website_server = _listen(host, port, site_port, website, invoked_as) if serve else None
    try:
        if reset:
            _reset(invoked_as)
        ready = setup.prepare(register, email)
    except BaseException as exc:
        if website_server is not None:
            website_server.server_close()
        if isinstance(exc, KeyboardInterrupt):  # the unit of work rolled back: nothing is half-written
            terminal.err.print(f"interrupted; run {invoked_as} again to finish the setup", style="yellow")
            raise typer.Exit(130) from None
        raise
    _tell(
        ready,
        register,
        email,
        settings.base_url,
        f"http://{shown}:{site_port}/" if serve else None,
        invoked_as,
    )
    if website_server is None:
        return
    from lawful import cli  # the entry point that serves; imported here, as it imports this module

    site.start(website_server)
    try:
        cli.serve(host=host, port=port, workers=1)
    finally:
        website_server.shutdown()
        website_server.server_close()


def _shown_host(host: str) -> str:
    """The host of the URLs printed (and of the base URL in mails): a wildcard address is not one to visit."""
    if host in ("0.0.0.0", ""):  # noqa: S104 (compared, not bound)
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _listen(host: str, port: int, site_port: int, website: Path, invoked_as: str) -> ThreadingHTTPServer:
    """Exit 1 with what to run instead when lawful's or the website's port is taken; else the website bound."""
    if site_port == port:
        _refuse(f"the website needs a port of its own; run {invoked_as} --site-port {port + 1}")
    if problem := ports.problem(host, port):
        better = ports.free_after(host, port, also_next=True) if "in use" in problem else None
        _refuse(problem + (f"; run {invoked_as} --port {better}" if better else ""))
    if problem := ports.problem(host, site_port):
        better = ports.free_after(host, site_port, also_next=False) if "in use" in problem else None
        hint = f"; run {invoked_as} --site-port {better}" if better and better != port else ""
        _refuse(f"{problem} (the demo website's port){hint}")
    fallback = terminal.settings().base_url
    explicit = "LAWFUL_BASE_URL" in os.environ
    return site.server(
        host,
        site_port,
        website,
        lambda header: fallback if explicit else site.lawful_origin(header, port=port, fallback=fallback),
    )


def _refuse(message: str) -> None:
    terminal.err.print(message, style="red")
    raise typer.Exit(1)


def _reset(invoked_as: str) -> None:
    settings = terminal.settings()
    if settings.database_url or settings.keystore_url:
        _refuse(
            "--reset removes only the demo's own SQLite files in the data directory, and LAWFUL_DATABASE_URL "
            "or LAWFUL_KEYSTORE_URL is set: empty those databases yourself, or run "
            f"{invoked_as} without --reset to reuse them"
        )
    removed = setup.reset(settings.data_dir)
    terminal.out.print(f"Reset: {len(removed)} file(s) of the previous demo removed from {settings.data_dir}")


def _tell(
    ready: setup.Ready, register: Path, email: str, base: str, website: str | None, invoked_as: str
) -> None:
    terminal.out.print(
        f"Demo ready: register v{ready.register_version} of {register}, notices published.", style="green"
    )
    terminal.out.print(f"  privacy notice: {base}/privacy   cookie notice: {base}/cookies")
    if website:
        terminal.out.print(f"  the company's website, with the cookie banner: {website}")
    terminal.out.print(f"  console: {base}/console/login")
    if ready.password is not None:
        terminal.out.print(f"    email:    {email}\n    password: {ready.password}")
        terminal.out.print(
            f"    authenticator secret: {ready.totp_secret} (or run `lawful staff totp {email}`)"
        )
        return
    terminal.out.print(
        f"    {email} (kept from the previous run; {invoked_as} --reset starts over)\n"
        f"    code: `lawful staff totp {email}`; lost password: `lawful staff reset-password {email} --generate`"
    )
