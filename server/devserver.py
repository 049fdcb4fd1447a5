"""`make run`: the development server with the in-process job worker, printing where to go."""

from __future__ import annotations

import argparse

from . import create_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    app = create_app()
    job_queue = app.extensions["party_queue"]
    if job_queue.in_process and app.config["JOBS"]["in_process_worker"]:
        job_queue.start_in_process()
    base = f"http://{args.host}:{args.port}"
    print(
        f"\n智慧党建 running at {base}\n"
        f"  API:      {base}/api/v1/\n"
        f"  OpenAPI:  {base}/api/openapi.json\n"
        f"  Health:   {base}/healthz\n"
        "  Mode: development — SQLite (instance/party.db), in-process jobs, WeChat sandbox\n"
        "  Demo accounts are listed above (password demo1234).\n",
        flush=True,
    )
    app.run(host=args.host, port=args.port, debug=False, use_reloader=False, threaded=True)


if __name__ == "__main__":
    main()
