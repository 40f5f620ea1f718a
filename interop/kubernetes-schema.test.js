// The Kubernetes manifests against the API's own schemas, offline: each document of
// cluster-config/kubernetes.yaml is validated by kubernetes-models (the OpenAPI schemas of the
// Kubernetes API compiled into validators) for its apiVersion and kind. PackagingIT checks what the
// schemas cannot: the "restricted" Pod Security Standard, and that the manifests agree with the
// Hazelcast discovery and the node's endpoints.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseAllDocuments } from 'yaml'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const manifests = parseAllDocuments(readFileSync(join(root, 'cluster-config/kubernetes.yaml'), 'utf8'))
  .map((doc) => doc.toJS())
  .filter((doc) => doc !== null)

/** The kubernetes-models class of a manifest: core "v1" lives under v1/, a group under group/version/. */
async function modelOf (manifest) {
  const path = manifest.apiVersion.includes('/') ? manifest.apiVersion : `v1`
  const module = await import(`kubernetes-models/${path}/${manifest.kind}`)
  return module[manifest.kind]
}

async function problems (manifest) {
  const Model = await modelOf(manifest)
  try {
    new Model(manifest).validate()
    return null
  } catch (error) {
    return error.message
  }
}

test('every manifest is valid against the Kubernetes API schema of its kind', async () => {
  assert.ok(manifests.length >= 8, `documents read: ${manifests.length}`)
  for (const manifest of manifests) {
    assert.equal(await problems(manifest), null, `${manifest.kind} ${manifest.metadata?.name}`)
  }
})

test('the validation catches a wrong manifest (a string where the schema wants a number)', async () => {
  const deployment = structuredClone(manifests.find((m) => m.kind === 'Deployment'))
  deployment.spec.replicas = 'three'
  assert.notEqual(await problems(deployment), null)
  const service = structuredClone(manifests.find((m) => m.kind === 'Service'))
  service.spec.ports[0].port = 'http'
  assert.notEqual(await problems(service), null)
})
