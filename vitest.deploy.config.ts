import { defineConfig } from "vitest/config";

/**
 * The deploy suite, `npm run test:deploy`: the container image run by a local dockerd (test/deploy/image), the Helm
 * chart applied to a real kube-apiserver (test/deploy/kube), the ECS recipe under Pulumi's mocks. Each part's servers
 * are started and stopped by the project's own scripts (test/deploy/scripts).
 */
export default defineConfig({
  test: {
    include: ["test/deploy/**/*.deploy.test.ts"],
    pool: "forks",
    // One file at a time: the image and the API server share the machine's two cores and moto.
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
  },
});
