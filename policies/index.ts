/**
 * The CrossGuard pack: `pulumi preview --policy-pack policies [--policy-pack-config
 * policies/config.<stack>.json]`. Policies live in all.ts (tests call them directly); enforcement
 * levels come from the config file (levels.ts). The shipped config files are checked at start-up,
 * and whatever levels the engine passes are checked again (locked-levels.ts), so a config that
 * lowers a public-access or encryption policy stops the run instead of passing.
 */
import { PolicyPack } from "@pulumi/policy";
import { catalog, policies } from "./all";
import { configFile, readLevelConfig, shippedProfiles } from "./levels";
import { refuseLoweredLocks } from "./locked-levels";

for (const profile of shippedProfiles()) readLevelConfig(catalog, configFile(profile));
refuseLoweredLocks(catalog);

new PolicyPack("secure-storage", { enforcementLevel: "mandatory", policies });
